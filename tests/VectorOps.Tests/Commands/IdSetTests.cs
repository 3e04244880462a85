using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>The per-batch duplicate check: exactly HashSet's answers, across clears, with colliding slots.</summary>
    public sealed class IdSetTests
    {
        [Fact]
        public void Answers_as_a_HashSet_would_over_many_batches()
        {
            var random = new Random(11);
            var set = new IdSet(1000);
            for (var batch = 0; batch < 50; batch++)
            {
                var list = new List<string>();
                var reference = new HashSet<string>(StringComparer.Ordinal);
                while (list.Count < 1000)
                {
                    // Few distinct values: many repeats, and ids that differ only by case or by one late character.
                    var id = random.Next(4) switch
                    {
                        0 => "doc-" + random.Next(1500).ToString("D8") + "#chunk-07",
                        1 => "DOC-" + random.Next(1500).ToString("D8") + "#chunk-07",
                        2 => new string('x', random.Next(1, 40)),
                        _ => "a" + (char)random.Next(0x20, 0x3000),
                    };
                    var added = set.Add(id, list);
                    Assert.Equal(reference.Add(id), added);
                    if (added) list.Add(id);
                    Assert.Equal(list.Count, set.Count);
                }
                set.Clear();
                Assert.Equal(0, set.Count);
            }
        }

        [Fact]
        public void Ids_whose_slots_collide_are_all_kept()
        {
            // A set sized for 8 ids has 16 slots: 9 or more ids always share slots, so probing is exercised.
            var set = new IdSet(8);
            var list = new List<string>();
            var ids = Enumerable.Range(0, 8).Select(i => "id-" + i).ToArray();
            foreach (var id in ids)
            {
                Assert.True(set.Add(id, list));
                list.Add(id);
            }
            Assert.All(ids, id => Assert.False(set.Add(id, list)));
            Assert.Throws<InvalidOperationException>(() => set.Add("one-too-many", list));
            set.Clear();
            Assert.True(set.Add("id-3", new List<string>()));
        }

        [Fact]
        public void The_empty_string_and_long_ids_are_ids_like_any_other()
        {
            var set = new IdSet(4);
            var list = new List<string>();
            foreach (var id in new[] { "", new string('z', 5000), new string('z', 4999) + "y" })
            {
                Assert.True(set.Add(id, list));
                list.Add(id);
            }
            Assert.False(set.Add(new string('z', 5000), list));
            Assert.False(set.Add(string.Empty, list));
        }
    }
}
