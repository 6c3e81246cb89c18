using System.Text.RegularExpressions;
using Composer.IntegrationTests.Connections;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>
/// Issue 15 (a library for tests): examples/testing, an xunit project referencing the Composer.Testing package (not
/// the project), runs against examples/node-postgres. The package is scripts/pack.sh's (COMPOSER_PACKAGES, as
/// scripts/test.sh sets it) or, without it, packed here.
/// </summary>
public class TestingPackageTests
{
    [Fact]
    public async Task The_example_test_project_uses_the_packed_library_to_query_node_postgres()
    {
        await Examples.RunBuildScriptAsync("node-postgres");
        var work = Processes.TempDirectory("testing-package");
        try
        {
            var version = Regex.Match(await File.ReadAllTextAsync(Path.Combine(Examples.RepoRoot, "Directory.Build.props")), "<VersionPrefix>(.*)</VersionPrefix>").Groups[1].Value;
            var packages = Environment.GetEnvironmentVariable("COMPOSER_PACKAGES") is { Length: > 0 } given ? given : Path.Combine(work, "packages");
            if (!File.Exists(Path.Combine(packages, $"Composer.Testing.{version}.nupkg")))
            {
                var pack = await Processes.RunAsync("dotnet", ["pack", Path.Combine(Examples.RepoRoot, "src", "Composer.Testing"), "-c", "Release", "-o", packages, "--nologo", "-v", "quiet"], work, timeout: TimeSpan.FromMinutes(8));
                pack.ExitCode.Should().Be(0, pack.ToString());
            }
            // NuGet keeps a restored version for good: drop ours, so the example restores the package just packed.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } n ? n : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            Processes.TryDelete(Path.Combine(cache, "composer.testing", version));

            var example = Path.Combine(Examples.RepoRoot, "examples", "testing");
            var test = await Processes.RunAsync("dotnet",
                ["test", example, "--nologo", $"-p:ComposerTestingVersion={version}", $"-p:RestoreAdditionalProjectSources={packages}"],
                example, timeout: TimeSpan.FromMinutes(10));
            test.ExitCode.Should().Be(0, test.ToString());
            test.Stdout.Should().MatchRegex(@"Passed!\s+- Failed:\s+0, Passed:\s+1\b");
            File.Exists(Path.Combine(example, "obj", "project.assets.json")).Should().BeTrue();
            (await File.ReadAllTextAsync(Path.Combine(example, "obj", "project.assets.json"))).Should().Contain($"\"Composer.Testing/{version}\"", "a package reference, not a project reference");
        }
        finally
        {
            Processes.TryDelete(work);
        }
    }
}
