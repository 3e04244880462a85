using System.Linq;
using System.Management.Automation;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Writes the session's default connection (nothing when there is none); with -All every open connection of the
    /// session, oldest first, the default marked by IsDefault; with -ListAvailable the saved profiles (never a secret:
    /// where each one's credential comes from).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "VectorConnection", DefaultParameterSetName = CurrentSet)]
    [OutputType(typeof(VectorConnection), ParameterSetName = new[] { CurrentSet, AllSet })]
    [OutputType(typeof(ConnectionProfile), ParameterSetName = new[] { ProfilesSet })]
    public sealed class GetVectorConnectionCommand : PSCmdlet
    {
        private const string CurrentSet = "Current";
        private const string AllSet = "All";
        private const string ProfilesSet = "ListAvailable";

        /// <summary>Every open connection of the session, not only the default.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        /// <summary>The saved connection profiles (Save-VectorConnection), by name.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ProfilesSet)]
        public SwitchParameter ListAvailable { get; set; }

        /// <summary>With -ListAvailable: only the profiles of these names (wildcards allowed).</summary>
        [Parameter(Position = 0, ParameterSetName = ProfilesSet)]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void EndProcessing()
        {
            if (ListAvailable)
            {
                var store = new ProfileStore();
                try
                {
                    var all = store.List();
                    if (all.Count == 0) WriteVerbose($"No profile is saved (in {store.FilePath}); save one with Save-VectorConnection.");
                    foreach (var profile in all.Where(p => Name is null || Name.Any(n => ConnectionProfile.Matches(n, p.Name))))
                        WriteObject(profile);
                    if (Name != null)
                        foreach (var missing in Name.Where(n => !ConnectionProfile.IsPattern(n) && all.All(p => !ConnectionProfile.Matches(n, p.Name))))
                            WriteError(Hosting.HostDecisions.ToErrorRecord(new VectorOpsException(ErrorIds.ProfileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                                $"There is no profile named '{missing}'.", missing)));
                }
                catch (VectorOpsException ex)
                {
                    ThrowTerminatingError(Hosting.HostDecisions.ToErrorRecord(ex));
                }
                return;
            }
            if (All)
            {
                var all = VectorSession.Connections;
                if (all.Count == 0) WriteVerbose("There is no open connection; run Connect-VectorIndex.");
                foreach (var connection in all) WriteObject(connection);
                return;
            }
            var current = VectorSession.Current;
            if (current is null)
            {
                WriteVerbose("There is no default connection; run Connect-VectorIndex.");
                return;
            }
            WriteObject(current);
        }
    }
}
