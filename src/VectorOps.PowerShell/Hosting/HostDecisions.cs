using System;
using System.Collections;
using System.Management.Automation;
using VectorOps.Errors;
using VectorOps.Hosting;

namespace VectorOps.PowerShell.Hosting
{
    /// <summary>
    /// The decisions of the cmdlet host adapter as plain functions, so they are tested without a PowerShell engine.
    /// </summary>
    public static class HostDecisions
    {
        /// <summary>
        /// -Force skips the confirmation prompt, never -WhatIf and never an explicit -Confirm: true only when Force is
        /// set, -Confirm was not bound and WhatIf is not in effect (bound -WhatIf or $WhatIfPreference).
        /// </summary>
        public static bool ForceSkipsShouldProcess(bool force, bool confirmBound, bool whatIfInEffect) =>
            force && !confirmBound && !whatIfInEffect;

        /// <summary>
        /// WhatIf is in effect when -WhatIf is bound true, or, when it is not bound at all, when $WhatIfPreference is
        /// true. An explicit -WhatIf:$false overrides the preference.
        /// </summary>
        public static bool IsWhatIfInEffect(bool whatIfBound, object? boundValue, object? whatIfPreference) =>
            whatIfBound ? IsTrue(boundValue) : IsTrue(whatIfPreference);

        /// <summary>
        /// What the engine's ShouldProcess will do, as the engine decides it: WhatIf in effect previews (even with
        /// -Force); a bound -Confirm prompts when true and proceeds when false; -Force (without -Confirm) proceeds, as
        /// the host adapter then does not call ShouldProcess; otherwise it prompts when the cmdlet's ConfirmImpact is at
        /// or over $ConfirmPreference (never when that is None).
        /// </summary>
        public static ShouldProcessMode ShouldProcessModeOf(bool force, bool whatIfInEffect, bool confirmBound, object? confirmValue,
            ConfirmImpact impact, object? confirmPreference)
        {
            if (whatIfInEffect) return ShouldProcessMode.WhatIf;
            if (confirmBound) return IsTrue(confirmValue) ? ShouldProcessMode.Prompts : ShouldProcessMode.Proceeds;
            if (force) return ShouldProcessMode.Proceeds;
            var preference = ToConfirmImpact(confirmPreference);
            return preference != ConfirmImpact.None && impact != ConfirmImpact.None && impact >= preference
                ? ShouldProcessMode.Prompts
                : ShouldProcessMode.Proceeds;
        }

        /// <summary>$ConfirmPreference as a ConfirmImpact (it may arrive as the enum, a string or a wrapped value); High when unreadable, as the engine's default.</summary>
        public static ConfirmImpact ToConfirmImpact(object? value)
        {
            while (value is PSObject p && !ReferenceEquals(p.BaseObject, p)) value = p.BaseObject;
            switch (value)
            {
                case ConfirmImpact c: return c;
                case string s when Enum.TryParse(s, ignoreCase: true, out ConfirmImpact parsed): return parsed;
                case int i when Enum.IsDefined(typeof(ConfirmImpact), i): return (ConfirmImpact)i;
                default: return ConfirmImpact.High;
            }
        }

        /// <summary>Maps the engine's answer (ShouldProcess result and its reason) to the command layer's decision.</summary>
        public static ShouldProcessDecision FromShouldProcess(bool approved, ShouldProcessReason reason)
        {
            if (approved) return ShouldProcessDecision.Proceed;
            return (reason & ShouldProcessReason.WhatIf) == ShouldProcessReason.WhatIf
                ? ShouldProcessDecision.WhatIf
                : ShouldProcessDecision.Declined;
        }

        /// <summary>PowerShell truthiness for the values a switch or preference variable holds.</summary>
        public static bool IsTrue(object? value)
        {
            switch (value)
            {
                case null: return false;
                case bool b: return b;
                case SwitchParameter s: return s.ToBool();
                case PSObject p: return !ReferenceEquals(p.BaseObject, p) && p.BaseObject != null && IsTrue(p.BaseObject);
                case string str: return str.Length > 0;
                case int i: return i != 0;
                case long l: return l != 0;
                case ICollection c: return c.Count > 0;
                default: return true;
            }
        }

        /// <summary>The ErrorCategory of the same name (the core mirrors PowerShell's enum by name).</summary>
        public static ErrorCategory MapCategory(VectorOpsErrorCategory category) =>
            Enum.TryParse(category.ToString(), ignoreCase: false, out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;

        /// <summary>
        /// The parts of the ErrorRecord for an error: the stable id (the engine appends ",&lt;cmdlet type&gt;" to form the
        /// FullyQualifiedErrorId), the category, the offending value, and the exception (which keeps .Mutation).
        /// </summary>
        public static ErrorParts Describe(VectorOpsError error)
        {
            if (error is null) throw new ArgumentNullException(nameof(error));
            return new ErrorParts(error.ErrorId, MapCategory(error.Category), error.Target, error.Exception);
        }

        public static ErrorParts Describe(VectorOpsException exception)
        {
            if (exception is null) throw new ArgumentNullException(nameof(exception));
            return Describe(VectorOpsError.From(exception));
        }

        public static ErrorRecord ToErrorRecord(VectorOpsError error)
        {
            var parts = Describe(error);
            return new ErrorRecord(parts.Exception, parts.ErrorId, parts.Category, parts.Target);
        }

        public static ErrorRecord ToErrorRecord(VectorOpsException exception) => ToErrorRecord(VectorOpsError.From(exception));

        /// <summary>The texts of a ShouldProcess call: what -WhatIf prints, what -Confirm asks, and the caption.</summary>
        public static (string Description, string Warning, string Caption) ShouldProcessTexts(string target, string action) =>
            ($"Performing the operation \"{action}\" on target \"{target}\".",
             $"Are you sure you want to perform this action?{Environment.NewLine}Performing the operation \"{action}\" on target \"{target}\".",
             "Confirm");
    }

    /// <summary>What an ErrorRecord is made of.</summary>
    public sealed class ErrorParts
    {
        public ErrorParts(string errorId, ErrorCategory category, object? target, Exception exception)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
            Exception = exception;
        }

        public string ErrorId { get; }
        public ErrorCategory Category { get; }
        public object? Target { get; }
        public Exception Exception { get; }
    }
}
