using System.Text.RegularExpressions;
using Composer.IntegrationTests.Connections;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>
/// Issue 15 (install): the .NET tool package installs with `dotnet tool install` and its `composer` works. The
/// package is scripts/pack.sh's (COMPOSER_PACKAGES, as scripts/test.sh sets it) or, without it, packed here.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public async Task The_packed_tool_installs_into_a_tool_path_and_runs_version_and_config()
    {
        var work = Processes.TempDirectory("tool");
        try
        {
            var packages = Environment.GetEnvironmentVariable("COMPOSER_PACKAGES") is { Length: > 0 } given ? given : Path.Combine(work, "packages");
            if (!Directory.Exists(packages) || Directory.GetFiles(packages, "Composer.Cli.*.nupkg").Length == 0)
            {
                var pack = await Processes.RunAsync("dotnet", ["pack", Path.Combine(Examples.RepoRoot, "src", "Composer.Cli"), "-c", "Release", "-o", packages, "--nologo", "-v", "quiet", "-p:PublishAot=false"], work, timeout: TimeSpan.FromMinutes(8));
                pack.ExitCode.Should().Be(0, pack.ToString());
            }
            var version = Regex.Match(await File.ReadAllTextAsync(Path.Combine(Examples.RepoRoot, "Directory.Build.props")), "<VersionPrefix>(.*)</VersionPrefix>").Groups[1].Value;
            File.Exists(Path.Combine(packages, $"Composer.Cli.{version}.nupkg")).Should().BeTrue("the package carries the version of Directory.Build.props");

            var tools = Path.Combine(work, "tools");
            // A nuget.config of its own: only the packed folder, so nothing is fetched from a registry.
            await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
                """);
            var install = await Processes.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", Path.Combine(work, "nuget.config"), "Composer.Cli", "--version", version], work);
            install.ExitCode.Should().Be(0, install.ToString());
            var composer = Path.Combine(tools, "composer");

            var printed = await Processes.RunAsync(composer, ["version"], work);
            printed.ExitCode.Should().Be(0, printed.ToString());
            printed.Stdout.Should().MatchRegex($@"^Composer version {Regex.Escape(version)}, build [0-9a-f]{{7,}}");
            (await Processes.RunAsync(composer, ["version", "--short"], work)).Stdout.Trim().Should().Be(version);

            await File.WriteAllTextAsync(Path.Combine(work, "compose.yaml"), "services:\n  db:\n    image: composer-busybox:1\n");
            var config = await Processes.RunAsync(composer, ["config", "--services"], work);
            config.ExitCode.Should().Be(0, config.ToString());
            config.Stdout.Trim().Should().Be("db");
        }
        finally
        {
            Processes.TryDelete(work);
        }
    }
}
