using System.Collections.Immutable;
using System.Text;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Model;
using Xunit.Abstractions;

namespace Composer.Core.Tests;

/// <summary>
/// Feeds the loader a few thousand deterministic mutations of the fixtures (truncated, lines and keys swapped,
/// values of another type, random bytes, deep nesting). Every input must load or fail with diagnostics that each
/// name a position; an exception is a loader bug. The count is capped, so the run is bounded.
/// </summary>
public sealed class LoaderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_240_603;
    private const int MutationsPerFixture = 24;

    private static readonly string[] OtherTypes =
    [
        "[1, 2]", "{a: b}", "~", "true", "12", "-3.5", "'quoted'", "\"${UNSET:-x}\"", "[[[[", "{", "- item", "!reset", "!override x",
        "&anchor value", "*nowhere", "0x1F", "0o777", "99999999999999999999999", "1e400", ".nan", "\"\\u0000\"", "|", ">-",
        "${", "$$", "\"a\tb\"", "[a, {b: [c, {d: e}]}]", "0o77777777777777777777777", "0xFFFFFFFFFFFFFFFFFF",
    ];

    private static readonly string[] Noise =
    [
        "\t", "\0", ":", "- ", "{", "}", "[", "]", "&a", "*a", "!", "%", "@", "`", "\"", "'", "#", "|", ">", "\n", "\r\n",
        "<<: *a", "\u00e9", "\ud83d\ude00", "\ufeff", "---", "...", "? ", ",", "$", "${", "\\", "  ", "\u2028",
    ];

    [Fact]
    public void Mutated_fixtures_never_make_the_loader_throw()
    {
        var random = new Random(Seed);
        var count = 0;
        var failures = new List<string>();
        foreach (var name in LoaderFixture.Names())
        {
            var fixture = LoaderFixture.Read(name);
            // Fixtures whose command line is itself wrong (a missing --env-file) fail without a position by design.
            if (fixture.Load().Diagnostics.Any(d => d.Severity == Severity.Error && d.Position is null)) continue;
            var targets = fixture.Files.Keys.Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < MutationsPerFixture; i++)
            {
                var file = targets[random.Next(targets.Count)];
                var (kind, text) = Mutate(fixture.Files[file], random);
                var mutated = fixture with { Files = fixture.Files.SetItem(file, text) };
                count++;
                var problem = Check(mutated);
                if (problem is not null) failures.Add($"{name}/{file.Replace(LoaderFixture.Root + "/", "")} ({kind}): {problem}\n--- input ---\n{text}\n");
            }
        }
        output.WriteLine($"{count} mutated inputs");
        count.Should().BeGreaterThan(2_500);
        failures.Should().BeEmpty();
    }

    [Theory]
    [InlineData(200)]
    [InlineData(5_000)]
    public void Deep_nesting_is_a_positioned_error_not_a_stack_overflow(int depth)
    {
        var flow = "services:\n  web:\n    image: nginx\n    labels: " + new string('[', depth) + new string(']', depth) + "\n";
        var block = new StringBuilder("services:\n  web:\n    image: nginx\n    x-deep:\n");
        for (var i = 0; i < depth; i++) block.Append(' ', 6 + i).Append("k:\n");
        foreach (var text in new[] { flow, block.ToString() })
        {
            var fixture = new LoaderFixture("deep", "", ImmutableDictionary<string, string>.Empty.Add("/project/compose.yaml", text),
                new ProjectOptions { WorkingDirectory = LoaderFixture.Root });
            Check(fixture).Should().BeNull();
        }
    }

    /// <summary>Null when the outcome is acceptable; otherwise what went wrong.</summary>
    private static string? Check(LoaderFixture fixture)
    {
        try
        {
            var result = fixture.Load();
            if (result.Success)
            {
                // What loads must also print.
                ProjectWriter.ToYaml(result.Project!, fixture.Options.Interpolate);
                return null;
            }
            var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
            if (errors.Count == 0) return "failed without an error";
            var unpositioned = errors.FirstOrDefault(d => d.Position is null);
            return unpositioned is null ? null : $"error without a position: {unpositioned}";
        }
        catch (Exception e)
        {
            return e.ToString();
        }
    }

    private static (string Kind, string Text) Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(9))
        {
            case 0:
                return ("truncate", text[..random.Next(text.Length + 1)]);
            case 1 when lines.Count > 1:
            {
                int a = random.Next(lines.Count), b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return ("swap lines", string.Join('\n', lines));
            }
            case 2:
            {
                // Swap the keys of two "key: value" lines, keeping each line's indentation and value.
                var keyed = lines.Select((l, n) => (l, n)).Where(x => x.l.TrimStart().Contains(": ") || x.l.TrimEnd().EndsWith(':')).Select(x => x.n).ToList();
                if (keyed.Count < 2) goto default;
                int a = keyed[random.Next(keyed.Count)], b = keyed[random.Next(keyed.Count)];
                static (string Indent, string Key, string Tail) Split(string l)
                {
                    var indent = l[..(l.Length - l.TrimStart().Length)];
                    var body = l.TrimStart();
                    var colon = body.IndexOf(':');
                    return (indent, body[..colon], body[colon..]);
                }
                var (ia, ka, ra) = Split(lines[a]);
                var (ib, kb, rb) = Split(lines[b]);
                lines[a] = ia + kb + ra;
                lines[b] = ib + ka + rb;
                return ("swap keys", string.Join('\n', lines));
            }
            case 3:
            {
                // Give a value another type.
                var valued = lines.Select((l, n) => (l, n)).Where(x => x.l.Contains(": ") || x.l.TrimStart().StartsWith("- ")).Select(x => x.n).ToList();
                if (valued.Count == 0) goto default;
                var n = valued[random.Next(valued.Count)];
                var line = lines[n];
                var at = line.Contains(": ") ? line.IndexOf(": ", StringComparison.Ordinal) + 2 : line.IndexOf("- ", StringComparison.Ordinal) + 2;
                lines[n] = line[..at] + OtherTypes[random.Next(OtherTypes.Length)];
                return ("change type", string.Join('\n', lines));
            }
            case 4:
            {
                var sb = new StringBuilder(text);
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    var noise = random.Next(3) == 0 ? ((char)random.Next(0, 0x3000)).ToString() : Noise[random.Next(Noise.Length)];
                    sb.Insert(random.Next(sb.Length + 1), noise);
                }
                return ("insert bytes", sb.ToString());
            }
            case 5 when lines.Count > 0:
            {
                var n = random.Next(lines.Count);
                lines.Insert(n, lines[n]);
                return ("duplicate line", string.Join('\n', lines));
            }
            case 6 when lines.Count > 0:
                lines.RemoveAt(random.Next(lines.Count));
                return ("delete line", string.Join('\n', lines));
            case 7:
            {
                var depth = random.Next(10, 400);
                var n = random.Next(lines.Count);
                var indent = lines[n][..(lines[n].Length - lines[n].TrimStart().Length)];
                lines.Insert(n, indent + "x-deep: " + new string('[', depth) + new string(']', depth));
                return ("deep nesting", string.Join('\n', lines));
            }
            case 8:
            {
                var n = random.Next(lines.Count);
                lines[n] = lines[n].Replace("  ", "\t");
                return ("tabs", string.Join('\n', lines));
            }
            default:
                return ("truncate", text[..random.Next(text.Length + 1)]);
        }
    }
}
