using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VectorOps.Connections;
using VectorOps.Model;
using VectorOps.PowerShell.Cmdlets;
using VectorOps.PowerShell.Input;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// The cmdlets' public contract, read through CustomAttributeData (the reference assembly's attribute instances
    /// read back empty, so instances are never used). Expectations are spelled out here, not derived from the code.
    /// </summary>
    public class CmdletContractTests
    {
        private static readonly string[] ApprovedVerbs = { "Get", "Remove", "Clear", "Add", "Connect", "Disconnect", "Wait", "Restore", "Save", "Export", "Copy", "Move" };

        private static readonly string[] ExpectedCmdlets =
        {
            "Add-VectorRecord", "Clear-VectorNamespace", "Connect-VectorIndex", "Copy-VectorRecord", "Disconnect-VectorIndex", "Export-VectorRecord",
            "Get-VectorConnection", "Get-VectorIndex", "Get-VectorNamespace", "Get-VectorRecord", "Move-VectorRecord", "Remove-VectorConnection", "Remove-VectorOrphan",
            "Remove-VectorRecord", "Restore-VectorRecord", "Save-VectorConnection", "Wait-VectorMutation",
        };

        private static CmdletMetadata Cmdlet(string name) => CmdletMetadata.All.Single(c => c.Name == name);

        [Fact]
        public void The_module_has_exactly_the_expected_cmdlets()
        {
            Assert.Equal(ExpectedCmdlets, CmdletMetadata.All.Select(c => c.Name).ToArray());
        }

        [Fact]
        public void Every_cmdlet_class_is_sealed_public_named_after_its_verb_and_noun_with_an_approved_verb()
        {
            foreach (var c in CmdletMetadata.All)
            {
                Assert.True(c.Type.IsSealed, c.Type.Name + " must be sealed");
                Assert.True(c.Type.IsPublic, c.Type.Name + " must be public");
                Assert.Equal("VectorOps.PowerShell.Cmdlets", c.Type.Namespace);
                Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
                Assert.Contains(c.Verb, ApprovedVerbs);
                Assert.StartsWith("Vector", c.Noun);
                Assert.True(typeof(PSCmdlet).IsAssignableFrom(c.Type), c.Type.Name + " must be a PSCmdlet");
            }
        }

        [Fact]
        public void Every_cmdlet_declares_its_output_type()
        {
            var expected = new Dictionary<string, Type[]>
            {
                ["Add-VectorRecord"] = new[] { typeof(VectorMutation) },
                ["Clear-VectorNamespace"] = new[] { typeof(VectorMutation) },
                ["Connect-VectorIndex"] = new[] { typeof(VectorConnection) },
                ["Disconnect-VectorIndex"] = new[] { typeof(void) },
                // The open connections, or with -ListAvailable the saved profiles.
                ["Get-VectorConnection"] = new[] { typeof(VectorConnection), typeof(ConnectionProfile) },
                ["Get-VectorIndex"] = new[] { typeof(VectorIndexInfo) },
                ["Get-VectorNamespace"] = new[] { typeof(NamespaceInfo) },
                ["Get-VectorRecord"] = new[] { typeof(VectorRecord) },
                ["Remove-VectorConnection"] = new[] { typeof(void) },
                ["Remove-VectorRecord"] = new[] { typeof(VectorMutation) },
                // Its batches, and with -ReportMissing the keep ids the namespace lacks.
                ["Remove-VectorOrphan"] = new[] { typeof(VectorMutation), typeof(VectorMissingRecord) },
                ["Restore-VectorRecord"] = new[] { typeof(VectorMutation) },
                ["Save-VectorConnection"] = new[] { typeof(ConnectionProfile) },
                ["Wait-VectorMutation"] = new[] { typeof(VectorMutation) },
                ["Export-VectorRecord"] = new[] { typeof(VectorOps.Commands.ExportSummary) },
                // The upsert (and, for a move, delete) mutations of each batch, then the summary.
                ["Copy-VectorRecord"] = new[] { typeof(VectorOps.Commands.TransferSummary), typeof(VectorMutation) },
                ["Move-VectorRecord"] = new[] { typeof(VectorOps.Commands.TransferSummary), typeof(VectorMutation) },
            };
            foreach (var c in CmdletMetadata.All)
                Assert.Equal(expected[c.Name], c.OutputTypes.ToArray());
        }

        [Theory]
        [InlineData("Remove-VectorRecord", true, ConfirmImpact.Medium)]
        [InlineData("Remove-VectorOrphan", true, ConfirmImpact.Medium)]
        [InlineData("Clear-VectorNamespace", true, ConfirmImpact.High)]
        [InlineData("Add-VectorRecord", true, ConfirmImpact.Medium)]
        [InlineData("Restore-VectorRecord", true, ConfirmImpact.Medium)]
        [InlineData("Get-VectorRecord", false, null)]
        [InlineData("Get-VectorNamespace", false, null)]
        [InlineData("Get-VectorIndex", false, null)]
        [InlineData("Get-VectorConnection", false, null)]
        [InlineData("Connect-VectorIndex", false, null)]
        [InlineData("Disconnect-VectorIndex", false, null)]
        [InlineData("Wait-VectorMutation", false, null)]
        [InlineData("Save-VectorConnection", true, ConfirmImpact.Low)]
        [InlineData("Remove-VectorConnection", true, ConfirmImpact.Medium)]
        [InlineData("Export-VectorRecord", true, ConfirmImpact.Medium)]
        [InlineData("Copy-VectorRecord", true, ConfirmImpact.Medium)]
        [InlineData("Move-VectorRecord", true, ConfirmImpact.High)]
        public void ShouldProcess_support_and_impact(string name, bool supports, ConfirmImpact? impact)
        {
            var c = Cmdlet(name);
            Assert.Equal(supports, c.SupportsShouldProcess);
            Assert.Equal(impact, c.ConfirmImpact);
        }

        [Fact]
        public void Mutating_cmdlets_with_Force_support_ShouldProcess()
        {
            foreach (var c in CmdletMetadata.All.Where(c => c.Parameters.Any(p => p.Name == "Force")))
                Assert.True(c.SupportsShouldProcess, c.Name);
        }

        [Fact]
        public void Every_namespace_parameter_of_a_connected_cmdlet_completes_namespaces_and_Connect_completes_providers()
        {
            static Type? Completer(ParameterMetadata p) => p.Property.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(ArgumentCompleterAttribute))
                .Select(a => a.ConstructorArguments.Single().Value as Type)
                .SingleOrDefault();

            var namespaceParameters = CmdletMetadata.All
                .Where(c => c.Name != "Connect-VectorIndex" && c.Name != "Save-VectorConnection") // these describe a connection, not use one
                .SelectMany(c => c.Parameters.Where(p => p.Name == "Namespace" || (c.Name == "Get-VectorNamespace" && p.Name == "Name"))
                    .Select(p => (Cmdlet: c.Name, Parameter: p)))
                .ToList();
            Assert.Equal(10, namespaceParameters.Count); // Add, Clear, Get, Remove, Remove-VectorOrphan, Restore, Export, Copy, Move (-Namespace) and Get-VectorNamespace -Name
            foreach (var (cmdlet, parameter) in namespaceParameters)
                Assert.True(Completer(parameter) == typeof(VectorOps.PowerShell.Input.NamespaceCompleter), $"{cmdlet} -{parameter.Name}");
            Assert.Equal(typeof(VectorOps.PowerShell.Input.ProviderNameCompleter), Completer(Cmdlet("Connect-VectorIndex").Parameter("Provider")));
        }

        /// <summary>
        /// PowerShell latches onto the default parameter set before any pipeline input arrives when that set is the
        /// only one with a mandatory parameter taken by property name (CmdletParameterBinderController's
        /// TryLatchToDefaultParameterSet). Objects meant for another pipeline set then fail with
        /// InputObjectMissingMandatory if they bind anything in the default set: a VectorMutation piped to
        /// Remove-VectorRecord did (its Namespace property). No cmdlet may be shaped that way.
        /// </summary>
        [Fact]
        public void No_cmdlet_latches_pipeline_input_onto_its_default_set()
        {
            foreach (var c in CmdletMetadata.All)
            {
                if (c.DefaultParameterSetName is null || c.NamedSets.Count < 2) continue;
                bool ByName(string set) => c.Parameters.Any(p => p.Sets.Any(x => x.Set == set && x.Mandatory && x.ValueFromPipelineByPropertyName));
                bool ByValue(string set) => c.Parameters.Any(p => p.Sets.Any(x => x.Set == set && x.Mandatory && x.ValueFromPipeline));
                var others = c.NamedSets.Where(s => s != c.DefaultParameterSetName).ToList();
                if (ByName(c.DefaultParameterSetName) && others.Any(ByValue))
                    Assert.True(others.Any(ByName), $"{c.Name}: only its default set '{c.DefaultParameterSetName}' takes a mandatory parameter by property name, so PowerShell latches piped input onto it and the pipeline sets {string.Join(", ", others.Where(ByValue))} are never reached.");
            }
        }

        [Fact]
        public void Remove_VectorOrphan_takes_keep_ids_by_value_and_by_property_name_and_the_age_set_is_Remove_VectorRecords()
        {
            var c = Cmdlet("Remove-VectorOrphan");
            Assert.Equal("KeepId", c.DefaultParameterSetName);
            Assert.Equal(new[] { "KeepId", "KeepPath" }, c.NamedSets.OrderBy(s => s).ToArray());
            var keep = c.Parameter("KeepId");
            Assert.Equal(typeof(string[]), keep.Type);
            // Strings by value; Import-Csv rows and records by their Id property.
            Assert.Equal(new ParameterInSet("KeepId", true, 0, true, true), Assert.Single(keep.Sets));
            Assert.Contains("Id", keep.Aliases);
            Assert.Contains(typeof(StringIdentifierTransformationAttribute), keep.Attributes);
            Assert.Equal(new ParameterInSet("KeepPath", true, null, false, false), Assert.Single(c.Parameter("KeepPath").Sets));
            // The namespace is never taken from piped objects: the keep ids' own namespace is not the one swept.
            Assert.All(c.Parameter("Namespace").Sets, s => Assert.False(s.ValueFromPipelineByPropertyName));
            Assert.Equal(typeof(double), c.Parameter("MaxDeleteShare").Type);
            foreach (var name in new[] { "ReportMissing", "Force", "ThrottleLimit", "BatchSize", "BackupPath", "Connection" })
                Assert.Contains(c.Parameters, p => p.Name == name);

            var remove = Cmdlet("Remove-VectorRecord");
            Assert.Equal(new ParameterInSet("Age", true, null, false, false), Assert.Single(remove.Parameter("OlderThan").Sets));
            Assert.Equal(typeof(System.TimeSpan), remove.Parameter("OlderThan").Type);
            Assert.Equal(new ParameterInSet("Age", true, null, false, false), Assert.Single(remove.Parameter("DateField").Sets));
            Assert.Equal(new ParameterInSet("Age", false, null, false, false), Assert.Single(remove.Parameter("DateUnit").Sets));
        }

        [Fact]
        public void Remove_VectorRecord_parameter_sets_and_pipeline_binding()
        {
            var c = Cmdlet("Remove-VectorRecord");
            Assert.Equal("Id", c.DefaultParameterSetName);
            Assert.Equal(new[] { "Age", "Filter", "Id", "IdPath", "InputObject", "Prefix", "Record" }, c.NamedSets.OrderBy(s => s).ToArray());

            var id = c.Parameter("Id");
            Assert.Equal(typeof(string[]), id.Type);
            // By value in the default set, by property name in a set of its own (see the rule below).
            Assert.Equal(new[] { new ParameterInSet("Id", true, 0, true, false), new ParameterInSet("Record", true, null, false, true) },
                id.Sets.OrderBy(x => x.Set).ToArray());
            Assert.Equal(new[] { "VectorId", "Key", "RecordId" }, id.Aliases.ToArray());
            // The transformation keeps arbitrary objects from being turned into ids through ToString().
            Assert.Contains(typeof(StringIdentifierTransformationAttribute), id.Attributes);

            var input = c.Parameter("InputObject");
            Assert.Equal(typeof(VectorMutation[]), input.Type);
            Assert.Equal(new ParameterInSet("InputObject", true, null, true, false), Assert.Single(input.Sets));

            var filter = c.Parameter("Filter");
            Assert.Equal(typeof(object), filter.Type);
            Assert.Equal(new ParameterInSet("Filter", true, null, false, false), Assert.Single(filter.Sets));
            Assert.Contains(typeof(AllowEmptyStringAttribute), filter.Attributes); // so an empty filter gets EmptyFilter

            var prefix = c.Parameter("Prefix");
            Assert.Equal(typeof(string), prefix.Type);
            Assert.Equal(new ParameterInSet("Prefix", true, null, false, false), Assert.Single(prefix.Sets));
            Assert.Contains(typeof(AllowEmptyStringAttribute), prefix.Attributes); // so an empty prefix gets InvalidPrefix

            var ns = c.Parameter("Namespace");
            Assert.Equal(typeof(string[]), ns.Type);
            // By property name only with a record's Id. With -InputObject from the command line only (never by property
            // name: a mutation keeps its own namespace, and -Namespace on the line must be that one).
            Assert.Equal(new[]
            {
                new ParameterInSet("Age", false, null, false, false),
                new ParameterInSet("Filter", false, null, false, false), new ParameterInSet("Id", false, null, false, false),
                new ParameterInSet("IdPath", false, null, false, false),
                new ParameterInSet("InputObject", false, null, false, false),
                new ParameterInSet("Prefix", false, null, false, false), new ParameterInSet("Record", false, null, false, true),
            }, ns.Sets.OrderBy(x => x.Set).ToArray());

            // -IdPath: a file of ids read by the command itself (checked whole before the first delete), not piped.
            var idPath = c.Parameter("IdPath");
            Assert.Equal(typeof(string), idPath.Type);
            Assert.Equal(new ParameterInSet("IdPath", true, null, false, false), Assert.Single(idPath.Sets));

            foreach (var name in new[] { "Force", "ThrottleLimit", "BatchSize", "BackupPath", "Connection" })
                Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, false, null, false, false), Assert.Single(c.Parameter(name).Sets));
            Assert.True(c.Parameter("Force").IsSwitch);
            Assert.Equal(typeof(VectorConnection), c.Parameter("Connection").Type);
        }

        [Fact]
        public void ValidateRange_bounds_have_one_type_and_fit_the_parameter()
        {
            // The engine refuses a ValidateRange whose bounds differ in type (1 and long.MaxValue) when it builds
            // the cmdlet's metadata, which would make the cmdlet unusable; the reference assembly never checks.
            foreach (var c in CmdletMetadata.All)
            {
                foreach (var p in c.Parameters)
                {
                    foreach (var a in p.Property.GetCustomAttributesData().Where(a => a.AttributeType == typeof(ValidateRangeAttribute)))
                    {
                        var min = a.ConstructorArguments[0];
                        var max = a.ConstructorArguments[1];
                        Assert.True(min.Value!.GetType() == max.Value!.GetType(), $"{c.Name} -{p.Name}: {min.Value.GetType().Name} and {max.Value.GetType().Name}");
                        var element = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
                        Assert.True(element == min.Value.GetType(), $"{c.Name} -{p.Name}: bounds are {min.Value.GetType().Name}, the parameter {element.Name}");
                    }
                }
            }
        }

        [Fact]
        public void No_two_parameters_of_a_set_share_a_position()
        {
            foreach (var c in CmdletMetadata.All)
            {
                foreach (var set in c.NamedSets.DefaultIfEmpty(ParameterAttribute.AllParameterSets))
                {
                    var positions = c.Parameters.Select(p => p.In(set)?.Position).Where(x => x != null).ToList();
                    Assert.Equal(positions.Count, positions.Distinct().Count());
                }
            }
        }

        [Fact]
        public void Only_one_parameter_per_set_takes_whole_pipeline_objects_of_each_type()
        {
            // In every set of every cmdlet, at most one parameter is ValueFromPipeline: otherwise binding is ambiguous.
            foreach (var c in CmdletMetadata.All)
            {
                foreach (var set in c.NamedSets.DefaultIfEmpty(ParameterAttribute.AllParameterSets))
                {
                    var byValue = c.Parameters.Where(p => p.In(set)?.ValueFromPipeline == true).Select(p => p.Name).ToList();
                    Assert.True(byValue.Count <= 1, $"{c.Name} set {set}: {string.Join(", ", byValue)}");
                }
            }
        }

        [Fact]
        public void Clear_VectorNamespace_takes_names_and_NamespaceInfo_objects()
        {
            var c = Cmdlet("Clear-VectorNamespace");
            Assert.Null(c.DefaultParameterSetName);
            var ns = c.Parameter("Namespace");
            Assert.Equal(typeof(string[]), ns.Type);
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, true, 0, true, true), Assert.Single(ns.Sets));
            Assert.Contains(typeof(StringIdentifierTransformationAttribute), ns.Attributes);
            Assert.True(c.Parameter("RemoveNamespace").IsSwitch);
            Assert.True(c.Parameter("Force").IsSwitch);
            Assert.Equal(typeof(string), c.Parameter("BackupPath").Type);
            Assert.Equal(typeof(int?), c.Parameter("ThrottleLimit").Type);
            // NamespaceInfo carries the property the parameter binds by name.
            Assert.NotNull(typeof(NamespaceInfo).GetProperty("Namespace"));
            Assert.NotNull(typeof(NamespaceInfo).GetProperty("Name"));
        }

        [Fact]
        public void Get_VectorRecord_parameter_sets()
        {
            var c = Cmdlet("Get-VectorRecord");
            Assert.Equal("List", c.DefaultParameterSetName);
            Assert.Equal(new[] { "Filter", "Id", "List" }, c.NamedSets.OrderBy(s => s).ToArray());
            var id = c.Parameter("Id");
            Assert.Equal(new ParameterInSet("Id", true, 0, true, true), Assert.Single(id.Sets));
            Assert.Equal(new[] { "VectorId", "Key", "RecordId" }, id.Aliases.ToArray());
            Assert.Equal(new ParameterInSet("List", false, null, false, false), Assert.Single(c.Parameter("Prefix").Sets));
            Assert.Equal(new ParameterInSet("Filter", true, null, false, false), Assert.Single(c.Parameter("Filter").Sets));
            Assert.Equal(new[] { "Filter", "List" }, c.Parameter("IdOnly").Sets.Select(s => s.Set).OrderBy(s => s).ToArray());
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, false, null, false, true), Assert.Single(c.Parameter("Namespace").Sets));
            Assert.Equal(typeof(long?), c.Parameter("First").Type);
        }

        [Fact]
        public void Add_VectorRecord_parameter_sets()
        {
            var c = Cmdlet("Add-VectorRecord");
            Assert.Equal("InputObject", c.DefaultParameterSetName);
            Assert.Equal(new ParameterInSet("InputObject", true, 0, true, false), Assert.Single(c.Parameter("InputObject").Sets));
            Assert.Equal(typeof(object), c.Parameter("InputObject").Type);
            Assert.Equal(new ParameterInSet("Path", true, null, false, false), Assert.Single(c.Parameter("Path").Sets));
            Assert.Equal(typeof(string), c.Parameter("Namespace").Type);
        }

        [Fact]
        public void Restore_VectorRecord_takes_backup_paths_and_an_optional_namespace()
        {
            var c = Cmdlet("Restore-VectorRecord");
            Assert.Empty(c.NamedSets);
            var path = c.Parameter("Path");
            Assert.Equal(typeof(string[]), path.Type);
            // Mandatory, first position, and the FullName of files piped from Get-ChildItem.
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, true, 0, false, true), Assert.Single(path.Sets));
            Assert.Equal(new[] { "FullName", "BackupPath" }, path.Aliases.ToArray());
            Assert.Contains(typeof(ValidateNotNullOrEmptyAttribute), path.Attributes);
            Assert.Equal(typeof(string), c.Parameter("Namespace").Type);
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, false, null, false, false), Assert.Single(c.Parameter("Namespace").Sets));
            Assert.Equal(typeof(int?), c.Parameter("ThrottleLimit").Type);
            Assert.Equal(typeof(int?), c.Parameter("BatchSize").Type);
            Assert.Equal(typeof(VectorConnection), c.Parameter("Connection").Type);
            Assert.DoesNotContain(c.Parameters, p => p.Name == "Force");
        }

        [Fact]
        public void Wait_VectorMutation_takes_mutations_and_seconds()
        {
            var c = Cmdlet("Wait-VectorMutation");
            var input = c.Parameter("InputObject");
            Assert.Equal(typeof(VectorMutation[]), input.Type);
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, true, 0, true, false), Assert.Single(input.Sets));
            foreach (var name in new[] { "Timeout", "PollInterval" })
            {
                Assert.Equal(typeof(TimeSpan?), c.Parameter(name).Type);
                Assert.Contains(typeof(SecondsTransformationAttribute), c.Parameter(name).Attributes);
            }
        }

        [Fact]
        public void Connect_VectorIndex_parameters()
        {
            var c = Cmdlet("Connect-VectorIndex");
            // Only the shared parameters are static; each provider's own come from its descriptor (ProviderParameterTests).
            Assert.True(typeof(IDynamicParameters).IsAssignableFrom(c.Type));
            Assert.Equal("Secret", c.DefaultParameterSetName);
            var expected = new Dictionary<string, Type>
            {
                ["Provider"] = typeof(string), ["Index"] = typeof(string), ["Namespace"] = typeof(string),
                ["Credential"] = typeof(PSCredential),
                ["RequestTimeout"] = typeof(TimeSpan?), ["MaxAttempts"] = typeof(int?), ["PassThru"] = typeof(SwitchParameter),
                ["RequestsPerSecond"] = typeof(double?),
                ["Create"] = typeof(SwitchParameter),
                ["Profile"] = typeof(string), ["SecretName"] = typeof(string), ["Vault"] = typeof(string),
            };
            Assert.Equal(expected.Keys.OrderBy(k => k), c.Parameters.Select(p => p.Name).OrderBy(k => k));
            foreach (var pair in expected) Assert.Equal(pair.Value, c.Parameter(pair.Key).Type);
            // -Credential is the alternative to the provider's own secret parameter (set "Secret"): a set of its own,
            // not mandatory there, so that a provider without a credential (and no set "Secret") prompts for nothing.
            Assert.Equal(new ParameterInSet("Credential", false, null, false, false), Assert.Single(c.Parameter("Credential").Sets));
            Assert.Equal(new ParameterInSet(ParameterAttribute.AllParameterSets, false, 0, false, false), Assert.Single(c.Parameter("Provider").Sets));
            // No secret is ever taken as plain text (-SecretName is the name of a vault's secret, not the secret).
            Assert.DoesNotContain(c.Parameters, p => (p.Name.Contains("Key") || p.Name.Contains("Token")) && p.Type == typeof(string) && p.Name != "SecretName");
            Assert.Equal(new ParameterInSet("Vault", true, null, false, false), Assert.Single(c.Parameter("SecretName").Sets));
        }

        [Fact]
        public void Cmdlets_that_use_a_connection_take_Connection_and_Connect_does_not()
        {
            var withConnection = new[]
            {
                "Add-VectorRecord", "Clear-VectorNamespace", "Get-VectorIndex", "Get-VectorNamespace", "Get-VectorRecord", "Remove-VectorRecord",
                "Remove-VectorOrphan", "Restore-VectorRecord", "Wait-VectorMutation", "Export-VectorRecord", "Copy-VectorRecord", "Move-VectorRecord",
            };
            foreach (var c in CmdletMetadata.All)
            {
                var has = c.Parameters.Any(p => p.Name == "Connection");
                // Disconnect closes one; Save-VectorConnection saves one (it uses none).
                Assert.Equal(withConnection.Contains(c.Name) || c.Name == "Disconnect-VectorIndex" || c.Name == "Save-VectorConnection", has);
                if (withConnection.Contains(c.Name)) Assert.True(typeof(VectorCmdletBase).IsAssignableFrom(c.Type), c.Name);
            }
        }

        [Fact]
        public void The_module_assembly_references_only_the_engine_the_standard_library_and_VectorOps_Core()
        {
            // Anything else it referenced would be resolved by the default load context, outside the module's own:
            // every other dependency must be reached through VectorOps.Core (the one bridge the resolver serves).
            var references = typeof(VectorCmdletBase).Assembly.GetReferencedAssemblies().Select(a => a.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase);
            Assert.Equal(new[] { "netstandard", "System.Management.Automation", "VectorOps.Core" }, references.ToArray());
            Assert.Equal(new[] { "VectorOps.Core" }, VectorOps.PowerShell.Loading.ModuleInitializer.BridgeAssemblies);
            // The isolation assembly must load first, anywhere: it depends on the runtime only.
            var isolation = typeof(VectorOps.Isolation.ModuleLoadContext).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
            Assert.All(isolation, n => Assert.True(n == "System.Runtime" || n.StartsWith("System.", StringComparison.Ordinal), n));
            Assert.DoesNotContain("System.Management.Automation", isolation);
            Assert.DoesNotContain("VectorOps.Core", isolation);
        }

        [Fact]
        public void No_exported_type_needs_VectorOps_Core_to_load()
        {
            // PowerShell enumerates the module's exported types before the module initializer has registered the
            // resolver for VectorOps.Core: no exported type may derive from or implement a Core type.
            var core = typeof(VectorRecord).Assembly;
            foreach (var t in typeof(VectorCmdletBase).Assembly.GetExportedTypes())
            {
                for (var b = t.BaseType; b != null; b = b.BaseType) Assert.NotEqual(core, b.Assembly);
                foreach (var i in t.GetInterfaces()) Assert.NotEqual(core, i.Assembly);
            }
        }
    }
}
