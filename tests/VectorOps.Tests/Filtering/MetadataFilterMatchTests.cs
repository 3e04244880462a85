using System.Collections.Generic;
using VectorOps.Filtering;
using Xunit;

namespace VectorOps.Tests.Filtering
{
    /// <summary>The in-memory evaluator's semantics, which the local store's SQL must reproduce.</summary>
    public class MetadataFilterMatchTests
    {
        private static readonly Dictionary<string, object?> Doc = new Dictionary<string, object?>
        {
            ["genre"] = "drama",
            ["year"] = 2020L,
            ["score"] = 4.5,
            ["published"] = true,
            ["tags"] = new List<string> { "a", "b" },
            ["empty"] = new List<string>(),
            ["nothing"] = null,
            ["nested"] = new Dictionary<string, object?> { ["k"] = "v" },
        };

        [Theory]
        [InlineData("{\"genre\": \"drama\"}", true)]
        [InlineData("{\"genre\": \"Drama\"}", false)] // case-sensitive
        [InlineData("{\"year\": 2020}", true)]
        [InlineData("{\"year\": \"2020\"}", false)] // no cross-type equality
        [InlineData("{\"published\": 1}", false)] // a boolean is not a number
        [InlineData("{\"published\": true}", true)]
        [InlineData("{\"score\": {\"$gt\": 4, \"$lte\": 4.5}}", true)]
        [InlineData("{\"genre\": {\"$gt\": 1}}", false)] // ranges need numbers
        [InlineData("{\"tags\": \"a\"}", true)] // any element
        [InlineData("{\"tags\": {\"$ne\": \"a\"}}", false)] // no element may equal
        [InlineData("{\"tags\": {\"$ne\": \"c\"}}", true)]
        [InlineData("{\"tags\": {\"$in\": [\"c\", \"b\"]}}", true)]
        [InlineData("{\"tags\": {\"$nin\": [\"c\", \"b\"]}}", false)]
        [InlineData("{\"empty\": {\"$exists\": true}}", true)] // an empty list is still there
        [InlineData("{\"empty\": {\"$nin\": [\"a\"]}}", true)]
        [InlineData("{\"missing\": {\"$ne\": \"x\"}}", true)] // missing passes $ne, $nin, $exists:false only
        [InlineData("{\"missing\": {\"$nin\": [\"x\"]}}", true)]
        [InlineData("{\"missing\": {\"$exists\": false}}", true)]
        [InlineData("{\"missing\": {\"$lt\": 5}}", false)]
        [InlineData("{\"missing\": {\"$in\": [\"x\"]}}", false)]
        [InlineData("{\"nothing\": {\"$exists\": false}}", true)] // null counts as missing
        [InlineData("{\"nothing\": {\"$ne\": 1}}", true)]
        [InlineData("{\"nested\": {\"$exists\": true}}", true)]
        [InlineData("{\"nested\": \"v\"}", false)] // an object has no comparable value
        [InlineData("{\"$or\": [{\"genre\": \"x\"}, {\"year\": {\"$gte\": 2020}}]}", true)]
        [InlineData("{\"$and\": [{\"genre\": \"drama\"}, {\"year\": {\"$lt\": 2020}}]}", false)]
        public void Matches_follows_pinecone_semantics(string filter, bool expected) =>
            Assert.Equal(expected, MetadataFilter.Parse(filter).Matches(Doc));

        [Fact]
        public void Null_metadata_only_passes_negative_conditions()
        {
            Assert.True(MetadataFilter.Parse("{\"a\": {\"$ne\": 1}}").Matches(null));
            Assert.True(MetadataFilter.Parse("{\"a\": {\"$exists\": false}}").Matches(null));
            Assert.False(MetadataFilter.Parse("{\"a\": 1}").Matches(null));
        }
    }
}
