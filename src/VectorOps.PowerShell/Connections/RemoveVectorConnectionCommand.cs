using System.Linq;
using System.Management.Automation;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Forgets a saved connection profile (open connections are not touched).</para>
    /// </summary>
    /// <remarks>
    /// A name must be a saved profile (ProfileNotFound). A wildcard that matches more than one profile removes none
    /// of them unless -Force is given (ProfilePatternMatchesMany); -WhatIf removes nothing.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "VectorConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveVectorConnectionCommand : PSCmdlet
    {
        /// <summary>The profile's name, or a wildcard pattern (more than one match needs -Force).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>Let a wildcard remove every profile it matches.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var store = new ProfileStore();
            try
            {
                var selected = store.Select(Name, Force);
                if (selected.Count == 0)
                {
                    WriteWarning($"No saved profile matches '{Name}': nothing was removed.");
                    return;
                }
                var confirmed = selected.Where(p => ShouldProcess($"profile '{p.Name}' ({p.Provider}, index '{p.Index}') in {store.FilePath}", "Remove")).ToList();
                if (confirmed.Count == 0) return;
                store.Remove(confirmed.Select(p => p.Name));
                foreach (var p in confirmed) WriteVerbose($"Removed the profile '{p.Name}' from {store.FilePath}.");
            }
            catch (VectorOpsException ex)
            {
                WriteError(Hosting.HostDecisions.ToErrorRecord(ex));
            }
        }
    }
}
