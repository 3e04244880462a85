namespace VectorOps.Commands
{
    /// <summary>Options shared by the delete commands (Remove-VectorRecord, vectorops remove).</summary>
    public sealed class RemoveOptions
    {
        /// <summary>Skip the extra ShouldContinue question of filter and prefix deletes. Never skips -WhatIf.</summary>
        public bool Force { get; set; }

        /// <summary>Requests in flight at once; null = the provider's default.</summary>
        public int? ThrottleLimit { get; set; }

        /// <summary>Ids per delete request; null = the provider's cap. Larger than the cap is refused.</summary>
        public int? BatchSize { get; set; }

        /// <summary>
        /// A JSON Lines file the records are appended to, flushed to disk, before each batch's delete is sent.
        /// With a backup, filter deletes go by id (so the backup holds exactly what is deleted).
        /// </summary>
        public string? BackupPath { get; set; }
    }
}
