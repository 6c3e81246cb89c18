using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Model;

namespace Composer.Core.Tests.Conformance;

/// <summary>
/// The conformance suite: Compose's documented loading behaviour (compose-go's dotenv, template, override and loader
/// expectations, and docker compose's), restated as the project's own cases under <c>tests/fixtures/conformance</c>.
/// Each case names the behaviour it pins; the case name is the test's display name.
/// </summary>
public sealed class ConformanceTests
{
    public static string Directory { get; } = Path.Combine(Path.GetDirectoryName(LoaderFixture.FixturesDirectory)!, "conformance");

    private static IEnumerable<JsonObject> Cases(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, file)))!.AsArray().Select(n => n!.AsObject());

    private static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(file)) data.Add((string)c["name"]!);
        return data;
    }

    private static JsonObject Case(string file, string name) => Cases(file).Single(c => (string)c["name"]! == name);

    public static TheoryData<string> Dotenv() => Names("dotenv.json");
    public static TheoryData<string> Template() => Names("template.json");
    public static TheoryData<string> Loader() => Names("loader.json");

    [Fact]
    public void The_suite_has_at_least_400_cases_with_unique_names()
    {
        var names = new[] { "dotenv.json", "template.json", "loader.json" }.SelectMany(f => Cases(f).Select(c => (string)c["name"]!)).ToList();
        names.Should().OnlyHaveUniqueItems();
        names.Should().HaveCountGreaterThanOrEqualTo(400);
    }

    private static Func<string, string?> Lookup(JsonObject c)
    {
        var env = c["env"]?.AsObject().ToDictionary(kv => kv.Key, kv => (string?)kv.Value) ?? [];
        return k => env.GetValueOrDefault(k);
    }

    [Theory]
    [MemberData(nameof(Dotenv))]
    public void Dotenv_case(string name)
    {
        var c = Case("dotenv.json", name);
        var (entries, error) = EnvFile.Parse((string)c["input"]!, Lookup(c));
        if (c["error"] is { } expectedError)
        {
            error.Should().NotBeNull();
            error!.Message.Should().Contain((string)expectedError!);
            return;
        }
        error.Should().BeNull();
        var actual = new Dictionary<string, string?>();
        foreach (var e in entries) actual[e.Key] = e.Value;
        var expected = c["expect"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        actual.Should().BeEquivalentTo(expected);
    }

    [Theory]
    [MemberData(nameof(Template))]
    public void Template_case(string name)
    {
        var c = Case("template.json", name);
        var result = Interpolation.Apply((string)c["input"]!, Lookup(c));
        if (c["error"] is { } expectedError)
        {
            result.Error.Should().NotBeNull();
            result.Error!.Should().Contain((string)expectedError!);
            return;
        }
        result.Error.Should().BeNull();
        result.Value.Should().Be((string)c["expect"]!);
        if (c["unset"] is JsonArray unset) result.Unset.Should().BeEquivalentTo(unset.Select(u => (string)u!));
    }

    [Theory]
    [MemberData(nameof(Loader))]
    public void Loader_case(string name)
    {
        var c = Case("loader.json", name);
        var files = c["files"]!.AsObject().ToImmutableDictionary(kv => $"{LoaderFixture.Root}/{kv.Key}", kv => (string)kv.Value!);
        var args = (c["args"]?.AsArray().Select(a => (string)a!) ?? []).ToList();
        var options = LoaderFixture.ParseArgs(args, new ProjectOptions { WorkingDirectory = LoaderFixture.Root });
        var result = new ProjectLoader(new MemoryFileSource(files)).Load(options);
        var all = LoaderFixture.Format(result.Diagnostics);
        if (c["error"] is { } expectedError)
        {
            result.Success.Should().BeFalse($"the case must be rejected; the loader reported:\n{all}");
            LoaderFixture.Format(result.Diagnostics.Where(d => d.Severity == Severity.Error)).Should().Contain((string)expectedError!);
            return;
        }
        result.Success.Should().BeTrue($"the case must load; the loader reported:\n{all}");
        if (c["warning"] is { } expectedWarning) all.Should().Contain((string)expectedWarning!);
        var tree = JsonNode.Parse(ProjectWriter.ToJson(result.Project!, options.Interpolate))!;
        foreach (var (path, expected) in c["expect"]?.AsObject() ?? [])
        {
            var actual = At(tree, path);
            actual.Should().NotBeNull($"{path} must be in the printed config:\n{tree}");
            Canonical(actual).Should().Be(Canonical(expected), $"{path} in the printed config");
        }
        foreach (var path in c["absent"]?.AsArray().Select(p => (string)p!) ?? [])
            At(tree, path).Should().BeNull($"{path} must not be in the printed config:\n{tree}");
    }

    /// <summary>A dotted path; a segment in brackets (<c>[0]</c>) indexes a list; <c>\.</c> is a dot inside a key.</summary>
    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var raw in path.Replace("\\.", "\u0001").Split('.'))
        {
            var segment = raw.Replace('\u0001', '.');
            if (segment.StartsWith('[') && node is JsonArray array)
                node = int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture) is var i && i < array.Count ? array[i] : null;
            else node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child ?? JsonValue.Create("\u0000null") : null;
            if (node is null) return null;
        }
        return node;
    }

    private static string Canonical(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s == "\u0000null" ? "null" : node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
