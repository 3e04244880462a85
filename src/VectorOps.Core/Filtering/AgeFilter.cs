using System;
using System.Globalization;
using VectorOps.Errors;

namespace VectorOps.Filtering
{
    /// <summary>How a metadata field holds a point in time: a Unix time number in seconds or in milliseconds.</summary>
    public enum DateUnit
    {
        Seconds,
        Milliseconds,
    }

    /// <summary>
    /// Age cleanup (Remove-VectorRecord -OlderThan, vectorops remove --older-than) as sugar over the filter language:
    /// "older than AGE by FIELD" is <c>{"FIELD": {"$lt": CUTOFF}}</c>, CUTOFF being now minus AGE as a Unix time
    /// number. The filter language compares numbers only, so FIELD must hold a Unix time number (seconds, or
    /// milliseconds with <see cref="DateUnit.Milliseconds"/>); a record without the field, or with a string in it,
    /// never matches.
    /// </summary>
    public sealed class AgeFilter
    {
        private AgeFilter(MetadataFilter filter, string field, TimeSpan age, DateTimeOffset cutoff, long cutoffNumber, DateUnit unit)
        {
            Filter = filter;
            Field = field;
            Age = age;
            Cutoff = cutoff;
            CutoffNumber = cutoffNumber;
            Unit = unit;
        }

        public MetadataFilter Filter { get; }
        public string Field { get; }
        public TimeSpan Age { get; }

        /// <summary>Records whose field is before this moment (UTC) match.</summary>
        public DateTimeOffset Cutoff { get; }

        /// <summary>The cutoff as the filter compares it: Unix seconds or milliseconds.</summary>
        public long CutoffNumber { get; }

        public DateUnit Unit { get; }

        /// <summary>"updated_at before 2026-11-06T16:07:48Z = 1793981268 Unix seconds, older than 30d": for messages and -WhatIf text.</summary>
        public string Description =>
            $"{Field} before {Cutoff.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} = " +
            $"{CutoffNumber.ToString(CultureInfo.InvariantCulture)} Unix {(Unit == DateUnit.Seconds ? "seconds" : "milliseconds")}, older than {FormatAge(Age)}";

        /// <summary>Builds the filter; refuses an age that is zero or negative and a blank field.</summary>
        public static AgeFilter Create(TimeSpan age, string? field, DateUnit unit, DateTimeOffset now)
        {
            if (age <= TimeSpan.Zero)
                throw new VectorOpsException(ErrorIds.InvalidAge, VectorOpsErrorCategory.InvalidArgument,
                    $"The age must be more than zero, not {FormatAge(age)}: an age of zero or less would reach records of the future too. Nothing was deleted.",
                    age);
            if (field is null || field.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidDateField, VectorOpsErrorCategory.InvalidArgument,
                    "Name the metadata field that holds each record's date (a Unix time number), such as updated_at. Nothing was deleted.",
                    field);
            if (unit != DateUnit.Seconds && unit != DateUnit.Milliseconds)
                throw new VectorOpsException(ErrorIds.InvalidAge, VectorOpsErrorCategory.InvalidArgument,
                    $"The date unit must be Seconds or Milliseconds, not {unit}.", unit);
            DateTimeOffset cutoff;
            try
            {
                cutoff = now.ToUniversalTime() - age;
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new VectorOpsException(ErrorIds.InvalidAge, VectorOpsErrorCategory.InvalidArgument,
                    $"The age {FormatAge(age)} reaches before the year 1: nothing can be that old. Nothing was deleted.", age);
            }
            var number = unit == DateUnit.Seconds ? cutoff.ToUnixTimeSeconds() : cutoff.ToUnixTimeMilliseconds();
            var json = "{" + System.Text.Json.JsonSerializer.Serialize(field) + ":{\"$lt\":" + number.ToString(CultureInfo.InvariantCulture) + "}}";
            return new AgeFilter(MetadataFilter.ParseJson(json), field, age, cutoff, number, unit);
        }

        /// <summary>
        /// Reads the CLI's age forms: a number and a unit, <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>, <c>2w</c>
        /// (days, hours, minutes, seconds, weeks), or a TimeSpan's own text (<c>30.00:00:00</c>).
        /// </summary>
        public static TimeSpan ParseAge(string? text)
        {
            var t = (text ?? "").Trim();
            if (t.Length >= 2 && "wdhms".IndexOf(char.ToLowerInvariant(t[t.Length - 1])) >= 0 &&
                double.TryParse(t.Substring(0, t.Length - 1), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) &&
                !double.IsNaN(n) && !double.IsInfinity(n))
            {
                var unit = char.ToLowerInvariant(t[t.Length - 1]);
                var seconds = n * (unit == 'w' ? 604800 : unit == 'd' ? 86400 : unit == 'h' ? 3600 : unit == 'm' ? 60 : 1);
                if (Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds) return TimeSpan.FromSeconds(seconds);
            }
            else if (t.IndexOf(':') >= 0 && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span))
            {
                return span;
            }
            throw new VectorOpsException(ErrorIds.InvalidAge, VectorOpsErrorCategory.InvalidArgument,
                $"'{text}' is not an age: write a number and a unit, such as 30d (days), 12h (hours), 90m (minutes), 45s or 2w (weeks).", text);
        }

        /// <summary>"30d", "12h", "1d 6h", "90m" ...: an age as the CLI writes it.</summary>
        public static string FormatAge(TimeSpan age)
        {
            if (age <= TimeSpan.Zero) return age.ToString("c", CultureInfo.InvariantCulture);
            var parts = new System.Collections.Generic.List<string>();
            if (age.Days > 0) parts.Add(age.Days.ToString(CultureInfo.InvariantCulture) + "d");
            if (age.Hours > 0) parts.Add(age.Hours.ToString(CultureInfo.InvariantCulture) + "h");
            if (age.Minutes > 0) parts.Add(age.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
            if (age.Seconds > 0 || parts.Count == 0) parts.Add(age.Seconds.ToString(CultureInfo.InvariantCulture) + "s");
            return string.Join(" ", parts);
        }
    }
}
