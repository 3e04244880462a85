using System.Collections.Generic;

namespace VectorOps.Filtering
{
    public enum FilterOperator { Eq, Ne, Gt, Gte, Lt, Lte, In, Nin, Exists }

    public enum LogicalOperator { And, Or }

    /// <summary>A node of a parsed, provider-neutral metadata filter.</summary>
    public abstract class FilterNode
    {
        internal FilterNode() { }
    }

    /// <summary>$and / $or over two or more children (a single child is kept as is by the parser).</summary>
    public sealed class LogicalFilter : FilterNode
    {
        public LogicalFilter(LogicalOperator op, IReadOnlyList<FilterNode> children)
        {
            Operator = op;
            Children = children;
        }

        public LogicalOperator Operator { get; }
        public IReadOnlyList<FilterNode> Children { get; }
    }

    /// <summary>
    /// One comparison of a metadata field. Value is a string, double or bool for $eq/$ne; a double for the range
    /// operators; a non-empty list of strings or doubles for $in/$nin; a bool for $exists.
    /// </summary>
    public sealed class ComparisonFilter : FilterNode
    {
        public ComparisonFilter(string field, FilterOperator op, object value)
        {
            Field = field;
            Operator = op;
            Value = value;
        }

        public string Field { get; }
        public FilterOperator Operator { get; }
        public object Value { get; }
    }
}
