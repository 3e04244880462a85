using System;
using System.Collections.Generic;

namespace VectorOps.Cli
{
    /// <summary>
    /// `vectorops completion SHELL`: a script that wires the shell's Tab to System.CommandLine's [suggest] directive.
    /// Each asks `vectorops "[suggest:N]" "LINE"` with the line up to the cursor (N its length), and offers the
    /// lines it prints; where it prints nothing (a file name is wanted), bash and zsh fall back to file names. The
    /// candidates come from CommandTable: commands, options, provider names, the descriptors' value sets.
    /// </summary>
    internal static class CompletionScripts
    {
        public static IReadOnlyList<string> Shells { get; } = new[] { "bash", "zsh", "pwsh" };

        public static string? For(string shell) => shell switch
        {
            "bash" => Bash,
            "zsh" => Zsh,
            "pwsh" => Pwsh,
            _ => null,
        };

        private const string Bash =
@"# vectorops completion for bash. Load it from ~/.bashrc:  source <(vectorops completion bash)
_vectorops_complete() {
    # The line up to the cursor, its first word (however vectorops was typed: a path, an alias) spelled vectorops.
    local typed=""${COMP_LINE:0:COMP_POINT}""
    typed=""${typed#""${typed%%[![:space:]]*}""}""
    local line=""vectorops${typed#""${COMP_WORDS[0]}""}""
    local IFS=$'\n'
    local candidates
    candidates=($(""${COMP_WORDS[0]}"" ""[suggest:${#line}]"" ""$line"" 2>/dev/null)) || return 0
    # bash splits words at '=' and ':' too: offer what matches the word being completed.
    local cur=""${COMP_WORDS[COMP_CWORD]}""
    COMPREPLY=()
    local c
    for c in ""${candidates[@]}""; do
        [[ ""$c"" == ""$cur""* ]] && COMPREPLY+=(""$c"")
    done
}
complete -o default -F _vectorops_complete vectorops
";

        private const string Zsh =
@"# vectorops completion for zsh. Load it from ~/.zshrc, after compinit:  source <(vectorops completion zsh)
_vectorops() {
    # The line up to the cursor, its first word (however vectorops was typed) spelled vectorops.
    local -a before
    before=(vectorops ${words[2,CURRENT-1]})
    local line=""${(j: :)before} ${PREFIX}""
    local -a candidates
    candidates=(""${(@f)$(""${words[1]}"" ""[suggest:${#line}]"" ""$line"" 2>/dev/null)}"")
    candidates=(${candidates:#})
    if (( ${#candidates} )); then
        compadd -Q -- $candidates
    else
        _files
    fi
}
compdef _vectorops vectorops
";

        private const string Pwsh =
@"# vectorops completion for PowerShell. Load it from $PROFILE:  vectorops completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName vectorops -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The line up to the cursor (the AST ends before trailing spaces: pad them back), its first word spelled
    # vectorops however it was typed.
    $line = $commandAst.Extent.Text
    $length = $cursorPosition - $commandAst.Extent.StartOffset
    if ($line.Length -lt $length) { $line = $line.PadRight($length) } else { $line = $line.Substring(0, $length) }
    $first = $commandAst.CommandElements[0].Extent
    if ($length -lt $first.EndOffset - $commandAst.Extent.StartOffset) { return }
    $line = 'vectorops' + $line.Substring($first.EndOffset - $commandAst.Extent.StartOffset)
    # The directive offers what contains the word: keep what starts with it.
    & $first.Text ""[suggest:$($line.Length)]"" $line 2>$null | Where-Object { $_.StartsWith($wordToComplete, [System.StringComparison]::Ordinal) } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
";
    }
}
