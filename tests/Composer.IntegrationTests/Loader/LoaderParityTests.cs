using Composer.Core.Loading;
using Composer.Core.Model;
using Composer.Core.Tests;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Loader;

/// <summary>
/// The published command is compiled ahead of time, which trims what reflection-heavy libraries (NJsonSchema,
/// Newtonsoft.Json, YamlDotNet's serializer) reach for. Every loader fixture must come out of <c>composer config</c>
/// exactly as the library loads and prints it in this (JIT) process: same output, same diagnostics, same exit code.
/// </summary>
public sealed class LoaderParityTests
{
    public static TheoryData<string> Fixtures() =>
        // Fixtures that name services on the command line test `up svc`-style selection, which `config` has no argument for.
        new(LoaderFixture.Names().Where(n => LoaderFixture.Read(n).Options.SelectedServices.IsEmpty));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task The_published_command_loads_the_fixture_as_the_library_does(string name)
    {
        var fixture = LoaderFixture.Read(name);
        var root = Directory.CreateTempSubdirectory("composer-parity-").FullName;
        try
        {
            foreach (var (path, text) in fixture.Files)
            {
                var target = Rebase(path, root);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, text);
            }
            var options = fixture.Options with
            {
                WorkingDirectory = Rebase(fixture.Options.WorkingDirectory, root),
                ConfigFiles = [.. fixture.Options.ConfigFiles.Select(f => Rebase(f, root))],
                EnvFiles = [.. fixture.Options.EnvFiles.Select(f => Rebase(f, root))],
                ProjectDirectory = fixture.Options.ProjectDirectory is { } d ? Rebase(d, root) : null,
            };
            var expected = new ProjectLoader().Load(options);

            var args = new List<string>();
            foreach (var f in options.ConfigFiles) args.AddRange(["-f", f]);
            foreach (var f in options.EnvFiles) args.AddRange(["--env-file", f]);
            foreach (var p in options.Profiles) args.AddRange(["--profile", p]);
            if (options.ProjectName is { } projectName) args.AddRange(["-p", projectName]);
            if (options.ProjectDirectory is { } directory) args.AddRange(["--project-directory", directory]);
            args.Add("config");
            if (!options.Interpolate) args.Add("--no-interpolate");
            // Only the fixture's variables, as the library saw them, and a cache of its own: every run validates.
            var env = new Dictionary<string, string>(options.Environment) { ["XDG_CACHE_HOME"] = Path.Combine(root, ".cache") };
            var actual = await ComposerCli.RunAsync(options.WorkingDirectory, args, env, cleanEnvironment: true);

            var expectedDiagnostics = expected.Success ? expected.Diagnostics.Where(d => d.Severity == Core.Diagnostics.Severity.Warning) : expected.Diagnostics;
            Lines(actual.Stderr).Should().BeEquivalentTo(expectedDiagnostics.Select(d => d.ToString()), actual.ToString());
            if (expected.Success)
            {
                actual.ExitCode.Should().Be(0, actual.ToString());
                actual.Stdout.Should().Be(ProjectWriter.ToYaml(expected.Project!, options.Interpolate), actual.ToString());
            }
            else
            {
                actual.ExitCode.Should().Be(2, actual.ToString());
                actual.Stdout.Should().BeEmpty();
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Rebase(string path, string root) =>
        path == LoaderFixture.Root || path.StartsWith(LoaderFixture.Root + "/", StringComparison.Ordinal) ? root + path[LoaderFixture.Root.Length..] : path;

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
