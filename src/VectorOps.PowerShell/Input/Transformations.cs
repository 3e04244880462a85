using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Accepts only real identifiers for a string[] parameter: strings, whole numbers and GUIDs (one or a list).
    /// Without it PowerShell would turn ANY pipeline object into a string through ToString() (a hashtable would
    /// become the id "System.Collections.Hashtable"). A rejected value is reported as an invalid cast, which the
    /// pipeline binder treats as "this parameter does not take this object" and goes on to the next parameter
    /// (so a VectorMutation reaches -InputObject, and an object with an Id property binds by property name).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class StringIdentifierTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <summary>
        /// For namespaces: a value that is bound but null or empty ($null, @(), a piped object whose Namespace
        /// property is $null) becomes "", and a null in a list becomes "", so the core refuses it (EmptyNamespace).
        /// Only a parameter that was not bound at all stays null (the default namespace). This is per pipeline
        /// record: a property that is absent binds nothing, whereas BoundParameters keeps a by-property-name
        /// parameter of an earlier record.
        /// </summary>
        public bool NullIsEmpty { get; set; }

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Convert(inputData, InputNormalizer.EngineUnwrap, NullIsEmpty);

        /// <summary>The transformation itself, engine-free: returns string[] or throws ArgumentTransformationMetadataException.</summary>
        public static object? Convert(object? inputData, Func<object, object?> unwrap, bool nullIsEmpty = false)
        {
            var result = Convert(inputData, unwrap);
            if (!nullIsEmpty) return result;
            if (!(result is string?[] list) || list.Length == 0) return new[] { "" };
            for (var i = 0; i < list.Length; i++) list[i] ??= "";
            return list;
        }

        private static object? Convert(object? inputData, Func<object, object?> unwrap)
        {
            if (inputData is null) return null;
            var value = Unwrap(inputData, unwrap);
            if (value is null) return null;
            if (TryScalar(value, out var single)) return new[] { single };
            if (value is IEnumerable items && !(value is IDictionary))
            {
                var list = new List<string?>();
                foreach (var item in items)
                {
                    var inner = item is null ? null : Unwrap(item, unwrap);
                    if (inner is null) { list.Add(null); continue; }
                    if (!TryScalar(inner, out var s)) throw Reject(inner);
                    list.Add(s);
                }
                return list.ToArray();
            }
            throw Reject(value);
        }

        private static object? Unwrap(object value, Func<object, object?> unwrap)
        {
            for (var i = 0; i < 8; i++)
            {
                var next = unwrap(value);
                if (next is null || ReferenceEquals(next, value)) return next;
                value = next;
            }
            return value;
        }

        private static bool TryScalar(object value, out string? text)
        {
            switch (value)
            {
                case string s: text = s; return true;
                case char c: text = c.ToString(); return true;
                case Guid g: text = g.ToString(); return true;
                case int _: case long _: case short _: case byte _: case sbyte _: case uint _: case ulong _: case ushort _:
                    text = ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
                    return true;
                default:
                    text = null;
                    return false;
            }
        }

        private static ArgumentTransformationMetadataException Reject(object value) =>
            new ArgumentTransformationMetadataException(
                $"A {value.GetType().Name} is not an identifier: pass strings, or objects with an Id (or Namespace) property.",
                new PSInvalidCastException($"Cannot use a {value.GetType().FullName} as an identifier."));
    }

    /// <summary>
    /// Lets a TimeSpan parameter take seconds: 30 and 2.5 are seconds, '00:01:30' is a TimeSpan string, a TimeSpan
    /// stays as it is. (PowerShell's own conversion would read a bare number as ticks.)
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Convert(inputData, InputNormalizer.EngineUnwrap);

        public static object? Convert(object? inputData, Func<object, object?> unwrap)
        {
            var value = inputData is null ? null : unwrap(inputData);
            switch (value)
            {
                case null: return null;
                case TimeSpan t: return t;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs):
                    return FromSeconds(secs, s);
                case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                case int _: case long _: case short _: case byte _: case double _: case float _: case decimal _: case uint _: case ulong _:
                    return FromSeconds(System.Convert.ToDouble(value, CultureInfo.InvariantCulture), value);
                default:
                    throw new ArgumentTransformationMetadataException(
                        $"'{value}' is neither a number of seconds nor a TimeSpan.",
                        new PSInvalidCastException($"Cannot convert a {value.GetType().FullName} to a TimeSpan."));
            }
        }

        private static TimeSpan FromSeconds(double seconds, object original)
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
                throw new ArgumentTransformationMetadataException($"'{original}' is not a usable number of seconds.");
            return TimeSpan.FromSeconds(seconds);
        }
    }

    /// <summary>
    /// Lets -OlderThan take the CLI's age forms as well as a TimeSpan: '30d', '12h', '90m', '45s', '2w', or a TimeSpan
    /// string ('30.00:00:00'). A bare number is refused (PowerShell would read it as ticks; the unit must be said).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class AgeTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Convert(inputData, InputNormalizer.EngineUnwrap);

        public static object? Convert(object? inputData, Func<object, object?> unwrap)
        {
            var value = inputData is null ? null : unwrap(inputData);
            switch (value)
            {
                case null: return null;
                case TimeSpan t: return t;
                // Typed unquoted, 30d is PowerShell's decimal literal 30 and 45s its short literal 45: the suffix
                // the user wrote is the unit (no other number is taken; a bare 30 has no unit and is refused).
                case decimal days when days > 0 && days < (decimal)TimeSpan.MaxValue.TotalDays:
                    return TimeSpan.FromDays((double)days);
                case short seconds:
                    return TimeSpan.FromSeconds(seconds);
                case string s:
                    try
                    {
                        return VectorOps.Filtering.AgeFilter.ParseAge(s);
                    }
                    catch (VectorOps.Errors.VectorOpsException ex)
                    {
                        throw new ArgumentTransformationMetadataException(ex.Message, ex);
                    }
                default:
                    throw new ArgumentTransformationMetadataException(
                        $"'{value}' is not an age: give a TimeSpan (New-TimeSpan -Days 30) or a number with a unit, such as '30d', '12h' or '90m'.",
                        new PSInvalidCastException($"Cannot convert a {value.GetType().FullName} to an age."));
            }
        }
    }
}
