namespace VectorOps.Errors
{
    /// <summary>
    /// Stable error ids. They are part of the public contract (scripts catch on FullyQualifiedErrorId): never rename one.
    /// </summary>
    public static class ErrorIds
    {
        // Input
        public const string InvalidId = "InvalidVectorId";
        public const string InvalidNamespace = "InvalidNamespace";

        /// <summary>A namespace given explicitly (parameter, option, piped property, record) that is null, empty or blank.</summary>
        public const string EmptyNamespace = "EmptyNamespace";
        public const string InvalidIndexName = "InvalidIndexName";
        public const string InvalidPrefix = "InvalidPrefix";
        public const string EmptyFilter = "EmptyFilter";
        public const string InvalidFilter = "InvalidFilter";
        public const string InvalidFilterJson = "InvalidFilterJson";
        public const string UnknownFilterOperator = "UnknownFilterOperator";
        public const string InvalidFilterOperand = "InvalidFilterOperand";

        /// <summary>A valid filter the provider's own filter language cannot express (refused, never widened or narrowed).</summary>
        public const string FilterNotSupported = "FilterNotSupportedByProvider";
        public const string InvalidRecord = "InvalidRecord";
        public const string InvalidInputObject = "InvalidInputObject";
        public const string InvalidArgument = "InvalidArgument";
        public const string InvalidRecordFile = "InvalidRecordFile";
        public const string RecordFileNotFound = "RecordFileNotFound";
        public const string BackupPathNotWritable = "BackupPathNotWritable";
        public const string InputFileNotFound = "InputFileNotFound";
        public const string InvalidMutationFile = "InvalidMutationFile";

        /// <summary>An id file (Remove-VectorRecord -IdPath, vectorops remove --ids-from FILE) with bad lines: nothing was deleted.</summary>
        public const string InvalidIdFile = "InvalidIdFile";

        // Orphan sweep (Remove-VectorOrphan, vectorops sweep) and age cleanup (Remove-VectorRecord -OlderThan)
        /// <summary>The keep-list of an orphan sweep holds no id: refused, never "delete everything" (InvalidArgument).</summary>
        public const string EmptyKeepList = "EmptyKeepList";

        /// <summary>The keep-list has ids that are blank or against the provider's rules: nothing was deleted (InvalidData; target = the first bad id, or the file).</summary>
        public const string InvalidKeepList = "InvalidKeepList";

        /// <summary>The sweep would delete a larger share of the namespace than the maximum allowed (default 0.10): nothing was deleted (LimitsExceeded; target = the namespace).</summary>
        public const string OrphanShareExceeded = "OrphanShareExceeded";

        /// <summary>The namespace has records but none of the keep ids: a wrong namespace or a wrong file; nothing was deleted (InvalidOperation; target = the namespace).</summary>
        public const string KeepIdsNotInNamespace = "KeepIdsNotInNamespace";

        /// <summary>An age that is zero or negative, or a date unit that is not Seconds or Milliseconds (InvalidArgument; target = the value).</summary>
        public const string InvalidAge = "InvalidAge";

        /// <summary>The metadata field holding the date of an age cleanup is blank (InvalidArgument).</summary>
        public const string InvalidDateField = "InvalidDateField";

        /// <summary>A mutation sent back with a namespace that is not its own: it is not sent (InvalidArgument).</summary>
        public const string NamespaceMismatch = "NamespaceMismatch";

        // Command line (vectorops)
        public const string UnknownCommand = "UnknownCommand";
        public const string UnknownOption = "UnknownOption";
        public const string MissingOptionValue = "MissingOptionValue";

        // Connection
        public const string NotConnected = "NotConnected";
        public const string UnknownProvider = "UnknownProvider";
        /// <summary>A provider setting the provider does not take, or a value it cannot have (target = the name or value).</summary>
        public const string InvalidSetting = "InvalidSetting";
        public const string MissingCredential = "MissingCredential";
        public const string InsecureEndpoint = "InsecureEndpoint";
        public const string InvalidEndpoint = "InvalidEndpoint";
        public const string StoreOpenFailed = "StoreOpenFailed";
        public const string MissingAccountId = "MissingAccountId";
        public const string InvalidAccountId = "InvalidAccountId";

        /// <summary>The local store failed a read or write after it was opened (disk full, damaged file, I/O error).</summary>
        public const string StoreFailed = "StoreFailed";

        // Provider answers
        public const string ProviderBadRequest = "ProviderBadRequest";
        public const string ProviderAuthenticationFailed = "ProviderAuthenticationFailed";
        public const string ProviderPermissionDenied = "ProviderPermissionDenied";
        public const string ProviderNotFound = "ProviderNotFound";
        public const string ProviderConflict = "ProviderConflict";
        public const string ProviderRateLimited = "ProviderRateLimited";
        public const string ProviderServerError = "ProviderServerError";
        public const string ProviderUnreachable = "ProviderUnreachable";
        public const string ProviderTimeout = "ProviderTimeout";
        public const string ProviderProtocolError = "ProviderProtocolError";

        /// <summary>
        /// The service answered a batch with some of its objects not deleted (a per-object failure count): the
        /// mutation's Ids are exactly those, so piping it back retries them.
        /// </summary>
        public const string ProviderObjectsFailed = "ProviderObjectsFailed";
        public const string NotSupported = "NotSupportedByProvider";
        public const string RecordNotFound = "RecordNotFound";

        /// <summary>A delete, clear or count names a namespace the index does not have (providers that list namespaces cheaply).</summary>
        public const string NamespaceNotFound = "NamespaceNotFound";

        /// <summary>A local index (or its store file) that does not exist, and creating it was not asked for.</summary>
        public const string IndexNotFound = "IndexNotFound";

        // Run
        public const string BatchFailed = "BatchFailed";
        public const string OperationStopped = "OperationStopped";
        public const string DeclinedByUser = "DeclinedByUser";
        public const string ConfirmationRequired = "ConfirmationRequired";
        public const string MutationWaitTimeout = "MutationWaitTimeout";

        // Databases reached by a connection string
        /// <summary>A setting the provider needs was not given (target = the setting's name).</summary>
        public const string MissingSetting = "MissingSetting";

        /// <summary>A connection that would cross the network without TLS and was not explicitly allowed (SecurityError).</summary>
        public const string InsecureConnection = "InsecureConnection";

        /// <summary>The table does not have the columns the chosen layout needs (InvalidData; the message says what was expected and found).</summary>
        public const string LayoutMismatch = "LayoutMismatch";

        /// <summary>A database extension the provider needs is not installed in the database (NotInstalled).</summary>
        public const string ExtensionMissing = "ExtensionMissing";

        // Connection profiles and secrets kept elsewhere
        /// <summary>No saved profile has the name given (ObjectNotFound; target = the name; the message names the closest ones).</summary>
        public const string ProfileNotFound = "ProfileNotFound";

        /// <summary>A profile of that name is saved already and -Force / --force was not given (ResourceExists).</summary>
        public const string ProfileExists = "ProfileExists";

        /// <summary>A profile name that is blank, too long, or has characters other than letters, digits, '.', '-', '_' (InvalidArgument).</summary>
        public const string InvalidProfileName = "InvalidProfileName";

        /// <summary>A wildcard name matched more than one profile and -Force / --force was not given: nothing was removed (InvalidArgument).</summary>
        public const string ProfilePatternMatchesMany = "ProfilePatternMatchesMany";

        /// <summary>The profile file cannot be read as profiles (InvalidData; target = its path). It is left as it is.</summary>
        public const string ProfileStoreCorrupt = "ProfileStoreCorrupt";

        /// <summary>The profile file or its folder cannot be written (WriteError; target = its path).</summary>
        public const string ProfileStoreNotWritable = "ProfileStoreNotWritable";

        /// <summary>A setting whose value holds a secret (a password in a connection string) would be written to a profile (InvalidArgument).</summary>
        public const string ProfileHoldsSecret = "ProfileHoldsSecret";

        /// <summary>Where a credential comes from is not "Environment:NAME" or "Secret:NAME[@VAULT]" (InvalidArgument).</summary>
        public const string InvalidCredentialSource = "InvalidCredentialSource";

        /// <summary>
        /// A secret is to be read from a SecretManagement vault, but Microsoft.PowerShell.SecretManagement is neither
        /// loaded nor importable, or the front end cannot call it (the CLI) (NotInstalled).
        /// </summary>
        public const string SecretManagementUnavailable = "SecretManagementUnavailable";

        /// <summary>Get-Secret found no secret of that name (in that vault), or could not read it (ObjectNotFound; target = the name).</summary>
        public const string SecretNotFound = "SecretNotFound";

        // Export, copy and move
        /// <summary>An export's output file exists and -Force / --force was not given: nothing was written (ResourceExists; target = the path).</summary>
        public const string ExportFileExists = "ExportFileExists";

        /// <summary>An export's output path cannot be written (a folder, a missing folder, no access) (WriteError; target = the path).</summary>
        public const string ExportPathNotWritable = "ExportPathNotWritable";

        /// <summary>
        /// The records to copy or move do not fit the destination's rules (dimension, id form, metadata kinds, sparse
        /// values), found in the first batch before anything was written (InvalidData; target = the record's id).
        /// </summary>
        public const string DestinationMismatch = "DestinationMismatch";

        /// <summary>A copy or move onto the namespace it reads from (InvalidArgument; target = the namespace).</summary>
        public const string SameSourceAndDestination = "SameSourceAndDestination";

        /// <summary>
        /// A resume file that belongs to another copy or move (other source, destination, namespace or filter), or that
        /// is not a resume file (InvalidData; target = its path). Nothing was written.
        /// </summary>
        public const string ResumeFileMismatch = "ResumeFileMismatch";

        /// <summary>A resume file that cannot be created or appended to (WriteError; target = its path).</summary>
        public const string ResumePathNotWritable = "ResumePathNotWritable";
    }
}
