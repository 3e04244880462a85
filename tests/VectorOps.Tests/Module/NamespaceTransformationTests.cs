using VectorOps.PowerShell.Input;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// The -Namespace transformation (NullIsEmpty): a value bound as $null, @() or with a null in it reaches the core
    /// as "" (refused: EmptyNamespace), so only a parameter not bound at all means "the default namespace".
    /// </summary>
    public sealed class NamespaceTransformationTests
    {
        private static object? Same(object o) => o;

        [Fact]
        public void Null_empty_and_null_items_become_empty_names_for_namespaces()
        {
            Assert.Equal(new[] { "" }, StringIdentifierTransformationAttribute.Convert(null, Same, nullIsEmpty: true));
            Assert.Equal(new[] { "" }, StringIdentifierTransformationAttribute.Convert(new object[0], Same, nullIsEmpty: true));
            Assert.Equal(new[] { "a", "" }, StringIdentifierTransformationAttribute.Convert(new object?[] { "a", null }, Same, nullIsEmpty: true));
            Assert.Equal(new[] { "" }, StringIdentifierTransformationAttribute.Convert("", Same, nullIsEmpty: true));
            Assert.Equal(new[] { "films" }, StringIdentifierTransformationAttribute.Convert("films", Same, nullIsEmpty: true));
        }

        [Fact]
        public void Ids_keep_null_as_null()
        {
            Assert.Null(StringIdentifierTransformationAttribute.Convert(null, Same));
            Assert.Equal(new string?[] { "a", null }, StringIdentifierTransformationAttribute.Convert(new object?[] { "a", null }, Same));
        }
    }
}
