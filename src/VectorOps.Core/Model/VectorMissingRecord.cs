namespace VectorOps.Model
{
    /// <summary>
    /// A keep id of an orphan sweep that the namespace does not hold (Remove-VectorOrphan -ReportMissing, vectorops
    /// sweep --report-missing): a record the source system expects that the index lacks.
    /// </summary>
    public sealed class VectorMissingRecord
    {
        public VectorMissingRecord(string @namespace, string id)
        {
            Namespace = @namespace;
            Id = id;
        }

        public string Namespace { get; }
        public string Id { get; }

        public override string ToString() => Id;
    }
}
