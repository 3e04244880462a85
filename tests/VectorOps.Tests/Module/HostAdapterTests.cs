using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.PowerShell.Hosting;
using VectorOps.PowerShell.Input;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>The host adapter's decisions and the input conversions, engine-free.</summary>
    public class HostAdapterTests
    {
        // ---- -Force / -WhatIf / -Confirm ------------------------------------------------------------

        [Theory]
        // force, confirmBound, whatIf => skip the ShouldProcess call
        [InlineData(true, false, false, true)]
        [InlineData(true, true, false, false)]   // an explicit -Confirm is honoured even with -Force
        [InlineData(true, false, true, false)]   // -Force never skips -WhatIf
        [InlineData(true, true, true, false)]
        [InlineData(false, false, false, false)]
        [InlineData(false, true, false, false)]
        [InlineData(false, false, true, false)]
        public void Force_skips_the_prompt_only_without_Confirm_and_WhatIf(bool force, bool confirmBound, bool whatIf, bool skips)
        {
            Assert.Equal(skips, HostDecisions.ForceSkipsShouldProcess(force, confirmBound, whatIf));
        }

        [Fact]
        public void WhatIf_is_in_effect_from_the_bound_switch_or_else_the_preference()
        {
            Assert.True(HostDecisions.IsWhatIfInEffect(true, true, null));
            Assert.False(HostDecisions.IsWhatIfInEffect(true, false, true));      // -WhatIf:$false overrides $WhatIfPreference
            Assert.True(HostDecisions.IsWhatIfInEffect(false, null, true));       // $WhatIfPreference = $true
            Assert.False(HostDecisions.IsWhatIfInEffect(false, null, false));
            Assert.False(HostDecisions.IsWhatIfInEffect(false, null, null));
            Assert.True(HostDecisions.IsWhatIfInEffect(false, null, 1));
            Assert.False(HostDecisions.IsWhatIfInEffect(false, null, 0));
        }

        [Fact]
        public void The_engines_answer_maps_to_proceed_whatif_or_declined()
        {
            Assert.Equal(ShouldProcessDecision.Proceed, HostDecisions.FromShouldProcess(true, ShouldProcessReason.None));
            Assert.Equal(ShouldProcessDecision.WhatIf, HostDecisions.FromShouldProcess(false, ShouldProcessReason.WhatIf));
            Assert.Equal(ShouldProcessDecision.Declined, HostDecisions.FromShouldProcess(false, ShouldProcessReason.None));
        }

        [Fact]
        public void ShouldProcess_texts_name_the_action_and_the_target()
        {
            var t = HostDecisions.ShouldProcessTexts("3 record(s) in namespace 'a'", "Delete records");
            Assert.Equal("Performing the operation \"Delete records\" on target \"3 record(s) in namespace 'a'\".", t.Description);
            Assert.Contains(t.Description, t.Warning);
            Assert.Equal("Confirm", t.Caption);
        }

        // ---- errors ------------------------------------------------------------------------------------

        [Fact]
        public void Every_core_category_maps_by_name_to_the_PowerShell_category_of_the_same_value()
        {
            foreach (VectorOpsErrorCategory c in Enum.GetValues(typeof(VectorOpsErrorCategory)))
            {
                var mapped = HostDecisions.MapCategory(c);
                Assert.Equal(c.ToString(), mapped.ToString());
                Assert.Equal((int)c, (int)mapped);
            }
        }

        [Fact]
        public void An_error_keeps_its_id_category_target_and_exception_with_the_mutation()
        {
            var mutation = new VectorMutation { Provider = "Local", Index = "i", Namespace = "n", Status = MutationStatus.Failed };
            var ex = new VectorOpsException(ErrorIds.ProviderRateLimited, VectorOpsErrorCategory.LimitsExceeded, "slow down", mutation) { Mutation = mutation };
            var parts = HostDecisions.Describe(VectorOpsError.From(ex));
            Assert.Equal("ProviderRateLimited", parts.ErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, parts.Category);
            Assert.Same(mutation, parts.Target);
            Assert.Same(ex, parts.Exception);
            Assert.Same(mutation, ((VectorOpsException)parts.Exception).Mutation);
        }

        [Fact]
        public void A_bad_filter_is_a_terminating_error_with_the_cores_id()
        {
            var ex = Assert.Throws<VectorOpsException>(() => MetadataFilter.Parse(InputNormalizer.Normalize(new Hashtable(), Unwrap)));
            var parts = HostDecisions.Describe(ex);
            Assert.Equal("EmptyFilter", parts.ErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, parts.Category);
        }

        // ---- PSObject unwrapping (a stand-in wrapper plays PSObject: the reference assembly's is inert) ------

        private sealed class Wrapped
        {
            public Wrapped(object? inner) { Inner = inner; }
            public object? Inner { get; }
        }

        private static object? Unwrap(object o) => o is Wrapped w ? w.Inner : o;

        [Fact]
        public void A_filter_hashtable_with_wrapped_values_becomes_plain_dictionaries_and_lists()
        {
            var filter = new Hashtable
            {
                ["genre"] = new Wrapped(new Hashtable { ["$in"] = new object[] { new Wrapped("drama"), "comedy" } }),
                ["year"] = new Wrapped(new Wrapped(new Hashtable { ["$gte"] = new Wrapped(2020) })),
            };
            var normalized = InputNormalizer.Normalize(new Wrapped(filter), Unwrap);
            var d = Assert.IsType<Dictionary<string, object?>>(normalized);
            var genre = Assert.IsType<Dictionary<string, object?>>(d["genre"]);
            Assert.Equal(new object?[] { "drama", "comedy" }, Assert.IsType<List<object?>>(genre["$in"]).ToArray());
            Assert.Equal(2020, Assert.IsType<Dictionary<string, object?>>(d["year"])["$gte"]);
            Assert.Equal("{\"$and\":[{\"genre\":{\"$in\":[\"drama\",\"comedy\"]}},{\"year\":{\"$gte\":2020}}]}", MetadataFilter.Parse(normalized).Json);
        }

        [Fact]
        public void An_ordered_filter_keeps_its_order_and_a_json_string_stays_a_string()
        {
            var ordered = new OrderedDictionary { ["z"] = 1, ["a"] = new Wrapped("x") };
            var normalized = Assert.IsType<OrderedDictionary>(InputNormalizer.Normalize(ordered, Unwrap));
            Assert.Equal(new[] { "z", "a" }, normalized.Keys.Cast<string>().ToArray());
            Assert.Equal("x", normalized["a"]);
            Assert.Equal("{\"a\":1}", InputNormalizer.Normalize(new Wrapped("{\"a\":1}"), Unwrap));
        }

        [Fact]
        public void A_non_string_filter_key_is_an_InvalidFilter_error()
        {
            var ex = Assert.Throws<VectorOpsException>(() => InputNormalizer.Normalize(new Hashtable { [1] = "x" }, Unwrap));
            Assert.Equal(ErrorIds.InvalidFilter, ex.ErrorId);
            Assert.Equal(1, ex.Target);
        }

        // ---- -Id transformation --------------------------------------------------------------------------

        [Fact]
        public void Ids_accept_strings_numbers_and_guids()
        {
            Assert.Equal(new[] { "a" }, StringIdentifierTransformationAttribute.Convert("a", Unwrap));
            Assert.Equal(new[] { "a" }, StringIdentifierTransformationAttribute.Convert(new Wrapped("a"), Unwrap));
            Assert.Equal(new[] { "42", "x" }, StringIdentifierTransformationAttribute.Convert(new object[] { 42, new Wrapped("x") }, Unwrap));
            var g = Guid.NewGuid();
            Assert.Equal(new[] { g.ToString() }, StringIdentifierTransformationAttribute.Convert(g, Unwrap));
            Assert.Null(StringIdentifierTransformationAttribute.Convert(null, Unwrap));
        }

        [Fact]
        public void Ids_refuse_other_objects_as_an_invalid_cast_so_the_binder_tries_the_next_parameter()
        {
            foreach (var bad in new object[] { new Hashtable { ["Id"] = "a" }, new VectorMutation(), new VectorRecord("a"), new Wrapped(new Hashtable()), new object[] { "a", new Hashtable() } })
            {
                // The binder swallows a transformation failure for pipeline input only when its inner exception is
                // a PSInvalidCastException (anything else would stop the pipeline object with an error). The reference
                // assembly's exceptions do not keep their inner exception, so that part is proven by the Pester tests
                // (a VectorMutation piped to Remove-VectorRecord reaches -InputObject).
                Assert.Throws<ArgumentTransformationMetadataException>(() => StringIdentifierTransformationAttribute.Convert(bad, Unwrap));
            }
        }

        // ---- seconds -------------------------------------------------------------------------------------

        [Fact]
        public void Timeouts_take_seconds_or_timespans()
        {
            Assert.Equal(TimeSpan.FromSeconds(30), SecondsTransformationAttribute.Convert(30, Unwrap));
            Assert.Equal(TimeSpan.FromSeconds(2.5), SecondsTransformationAttribute.Convert(2.5, Unwrap));
            Assert.Equal(TimeSpan.FromSeconds(45), SecondsTransformationAttribute.Convert("45", Unwrap));
            Assert.Equal(TimeSpan.FromMinutes(1.5), SecondsTransformationAttribute.Convert("00:01:30", Unwrap));
            Assert.Equal(TimeSpan.FromMinutes(2), SecondsTransformationAttribute.Convert(new Wrapped(TimeSpan.FromMinutes(2)), Unwrap));
            Assert.Throws<ArgumentTransformationMetadataException>(() => SecondsTransformationAttribute.Convert("soon", Unwrap));
            Assert.Throws<ArgumentTransformationMetadataException>(() => SecondsTransformationAttribute.Convert(-1, Unwrap));
        }

        // ---- records from the pipeline ---------------------------------------------------------------------

        private sealed class PlainRecord
        {
            public string Id { get; set; } = "";
            public double[]? Values { get; set; }
            public Hashtable? Metadata { get; set; }
            public string? Namespace { get; set; }
        }

        [Fact]
        public void A_hashtable_record_is_read_case_insensitively_with_plain_metadata()
        {
            var r = RecordConverter.ToRecord(new Hashtable
            {
                ["ID"] = "doc-1",
                ["values"] = new object[] { 0.5, 1, new Wrapped(2.25m) },
                ["Metadata"] = new Hashtable { ["genre"] = "drama", ["year"] = 2020, ["score"] = 0.5f, ["tags"] = new object[] { "a", 1 }, ["ok"] = true },
                ["namespace"] = "films",
            }, Unwrap);
            Assert.Equal("doc-1", r.Id);
            Assert.Equal(new[] { 0.5f, 1f, 2.25f }, r.Values);
            Assert.Equal("films", r.Namespace);
            Assert.Equal("drama", r.Metadata!["genre"]);
            Assert.Equal(2020L, r.Metadata["year"]);
            Assert.Equal(0.5, r.Metadata["score"]);
            // Kept as given: which value types a provider takes is its rule, checked by the command (RecordRules).
            Assert.Equal(new List<object?> { "a", 1L }, r.Metadata["tags"]);
            Assert.Equal(true, r.Metadata["ok"]);
        }

        [Fact]
        public void Nested_metadata_and_nulls_are_kept_for_the_provider_rules_to_decide()
        {
            var r = RecordConverter.ToRecord(new Hashtable
            {
                ["id"] = "n",
                ["metadata"] = new Hashtable { ["author"] = new Hashtable { ["name"] = "Ann", ["age"] = 40 }, ["rating"] = null, ["tags"] = new object[] { "x", "y" } },
            }, Unwrap);
            var author = Assert.IsType<Dictionary<string, object?>>(r.Metadata!["author"]);
            Assert.Equal("Ann", author["name"]);
            Assert.Equal(40L, author["age"]);
            Assert.True(r.Metadata.ContainsKey("rating"));
            Assert.Null(r.Metadata["rating"]);
            Assert.Equal(new List<string> { "x", "y" }, r.Metadata["tags"]);
        }

        [Fact]
        public void Objects_records_and_json_lines_are_records_too()
        {
            var fromObject = RecordConverter.ToRecord(new PlainRecord { Id = "p", Values = new[] { 1.0, 2.0 }, Metadata = new Hashtable { ["k"] = "v" } }, Unwrap);
            Assert.Equal("p", fromObject.Id);
            Assert.Equal(new[] { 1f, 2f }, fromObject.Values);
            Assert.Equal("v", fromObject.Metadata!["k"]);
            Assert.Null(fromObject.Namespace);

            var record = new VectorRecord("same");
            Assert.Same(record, RecordConverter.ToRecord(new Wrapped(record), Unwrap));

            var fromJson = RecordConverter.ToRecord("{\"id\":\"j\",\"values\":[0.25],\"metadata\":{\"a\":1}}", Unwrap);
            Assert.Equal("j", fromJson.Id);
            Assert.Equal(new[] { 0.25f }, fromJson.Values);

            var sparse = RecordConverter.ToRecord(new Hashtable { ["id"] = "s", ["sparseValues"] = new Hashtable { ["indices"] = new object[] { 1, 7 }, ["values"] = new object[] { 0.5, 0.25 } } }, Unwrap);
            Assert.Equal(new uint[] { 1, 7 }, sparse.SparseValues!.Indices.ToArray());
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("{\"values\":[1]}")]
        [InlineData("{\"id\":")]
        public void Bad_strings_are_InvalidRecord_errors(string line)
        {
            var ex = Assert.Throws<VectorOpsException>(() => RecordConverter.ToRecord(line, Unwrap));
            Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
            Assert.Equal(line, ex.Target);
        }

        [Fact]
        public void Bad_records_are_InvalidRecord_errors_naming_the_input()
        {
            var cases = new object?[]
            {
                null,
                new Hashtable { ["values"] = new[] { 1.0 } },                                 // no id
                new Hashtable { ["id"] = new Hashtable() },                                   // id not a string
                new Hashtable { ["id"] = "a", ["values"] = "1,2" },                           // values not a list
                new Hashtable { ["id"] = "a", ["values"] = new object[] { "x" } },            // not a number
                new Hashtable { ["id"] = "a", ["values"] = new object[] { double.NaN } },     // not finite
                new Hashtable { ["id"] = "a", ["metadata"] = new Hashtable { ["o"] = new System.IO.MemoryStream() } }, // not a JSON value
                new Hashtable { ["id"] = "a", ["metadata"] = "text" },
                new Hashtable { ["id"] = "a", ["Id"] = "b" },                                 // same field twice
                new object[] { new Hashtable { ["id"] = "a" } },                              // a list, not a record
            };
            foreach (var c in cases)
            {
                var ex = Assert.Throws<VectorOpsException>(() => RecordConverter.ToRecord(c, Unwrap));
                Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
                Assert.Same(c, ex.Target);
            }
        }

        // ---- Windows PowerShell resolver (its pure parts) -------------------------------------------------

        [Fact]
        public void The_desktop_resolver_serves_only_files_present_in_Dependencies()
        {
            var deps = RepoPaths.DependencyDir;
            Assert.Equal(System.IO.Path.Combine(deps, "VectorOps.Core.dll"),
                VectorOps.PowerShell.Loading.ModuleInitializer.DesktopCandidate("VectorOps.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null", deps));
            Assert.Equal(System.IO.Path.Combine(deps, "System.Text.Json.dll"),
                VectorOps.PowerShell.Loading.ModuleInitializer.DesktopCandidate("System.Text.Json, Version=10.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", deps));
            Assert.Null(VectorOps.PowerShell.Loading.ModuleInitializer.DesktopCandidate("Newtonsoft.Json, Version=13.0.0.0", deps));
            Assert.Null(VectorOps.PowerShell.Loading.ModuleInitializer.DesktopCandidate("..\\..\\evil", deps));
            Assert.Null(VectorOps.PowerShell.Loading.ModuleInitializer.DesktopCandidate("", deps));
            Assert.Equal("win-x64", VectorOps.PowerShell.Loading.ModuleInitializer.WindowsRid(System.Runtime.InteropServices.Architecture.X64));
            Assert.Equal("win-x86", VectorOps.PowerShell.Loading.ModuleInitializer.WindowsRid(System.Runtime.InteropServices.Architecture.X86));
            Assert.Equal("win-arm64", VectorOps.PowerShell.Loading.ModuleInitializer.WindowsRid(System.Runtime.InteropServices.Architecture.Arm64));
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(deps, "runtimes", "win-x86", "native", "e_sqlite3.dll")));
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(deps, "runtimes", "win-arm64", "native", "e_sqlite3.dll")));
        }
    }
}
