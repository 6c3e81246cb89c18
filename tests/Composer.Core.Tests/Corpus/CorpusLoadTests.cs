using System.Text.Json.Nodes;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;

namespace Composer.Core.Tests.Corpus;

/// <summary>
/// Real compose files kept byte-for-byte under <c>tests/fixtures/corpus</c> (docker/awesome-compose, docker/compose's
/// e2e fixtures): each loads as Compose loads it, in process. The few that need an argument, or that Compose itself
/// rejects, are listed with the reason in <c>expectations.json</c>; a rejected one must be rejected with the same error.
/// </summary>
public sealed class CorpusLoadTests
{
    public static string Directory { get; } = Path.Combine(Path.GetDirectoryName(LoaderFixture.FixturesDirectory)!, "corpus");

    private static readonly JsonObject Expectations =
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "expectations.json")))!.AsObject();

    /// <summary>Every YAML file of the corpus is a compose file (the docker/compose fixtures have free names).</summary>
    public static IEnumerable<string> Files(string corpus = "") =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, corpus), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> All() => new(Files());

    [Theory]
    [MemberData(nameof(All))]
    public void Corpus_file_loads_as_in_Compose(string file)
    {
        var expectation = Expectations[file]?.AsObject();
        var path = Path.Combine(Directory, file);
        var directory = Path.GetDirectoryName(path)!;
        var args = expectation?["args"]?.AsArray().Select(a => (string)a!).ToList() ?? [];
        var options = LoaderFixture.ParseArgs(args, new ProjectOptions { WorkingDirectory = directory });
        if (options.ConfigFiles.IsEmpty) options = options with { ConfigFiles = [path] };
        var result = new ProjectLoader(DiskFileSource.Instance).Load(options);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()).ToList();

        if (expectation?["error"] is { } expected)
        {
            result.Success.Should().BeFalse($"{file} is rejected by Compose ({expectation["why"]})");
            string.Join("\n", errors).Should().Contain((string)expected!, $"{file} must be rejected for the reason Compose gives");
            return;
        }
        result.Success.Should().BeTrue($"{file} loads in Compose; Composer's first error: {errors.FirstOrDefault()}");
    }

    [Fact]
    public void A_container_name_shared_by_two_services_is_no_error_for_commands_that_create_no_container()
    {
        var path = Path.Combine(Directory, "docker-compose/testdata/TestUpContainerNameConflict/compose.yaml");
        var options = new ProjectOptions
        {
            WorkingDirectory = Path.GetDirectoryName(path)!, ConfigFiles = [path],
            Environment = new Dictionary<string, string> { ["FIXED_NAME"] = "corpus-fixed" },
        };
        var loader = new ProjectLoader(DiskFileSource.Instance);
        loader.Load(options).Diagnostics.Select(d => d.Message).Should().Contain(m => m.Contains("container name \"corpus-fixed\" is already in use by service"));
        var down = loader.Load(options with { CheckContainerNames = false });
        down.Success.Should().BeTrue(string.Join("\n", down.Diagnostics));
    }

    [Fact]
    public void Awesome_compose_has_its_39_files_and_expectations_name_existing_files()
    {
        Files("awesome-compose").Should().HaveCount(39);
        foreach (var (file, _) in Expectations) File.Exists(Path.Combine(Directory, file)).Should().BeTrue(file);
    }
}
