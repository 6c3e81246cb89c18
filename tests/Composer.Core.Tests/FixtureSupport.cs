using System.Collections.Immutable;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Model;

namespace Composer.Core.Tests;

/// <summary>Files held in memory under a virtual root, so fixtures load the same on every machine.</summary>
public sealed class MemoryFileSource(IReadOnlyDictionary<string, string> files) : IFileSource
{
    public IReadOnlyDictionary<string, string> Files { get; } = files;
    public string? ReadAllText(string path) => Files.GetValueOrDefault(path);
    public bool FileExists(string path) => Files.ContainsKey(path);
}

/// <summary>
/// A loader fixture: <c>tests/fixtures/loader/&lt;case&gt;/</c> holds the input files (seen by the loader under
/// <see cref="Root"/>), an optional <c>args</c> file and either <c>expected.yaml</c> or <c>expected-errors.txt</c>.
/// </summary>
public sealed record LoaderFixture(string Name, string Directory, ImmutableDictionary<string, string> Files, ProjectOptions Options)
{
    public const string Root = "/project";
    public static readonly string[] ControlFiles = ["args", "expected.yaml", "expected-errors.txt", "expected-warnings.txt", "README"];

    public static string FixturesDirectory { get; } = FindFixtures();

    private static string FindFixtures()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, "tests", "fixtures", "loader");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/loader not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetDirectories(FixturesDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static LoaderFixture Read(string name)
    {
        var dir = Path.Combine(FixturesDirectory, name);
        var files = System.IO.Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !ControlFiles.Contains(f))
            .ToImmutableDictionary(f => $"{Root}/{f}", f => File.ReadAllText(Path.Combine(dir, f)));
        var options = new ProjectOptions { WorkingDirectory = Root };
        var argsPath = Path.Combine(dir, "args");
        if (File.Exists(argsPath)) options = ParseArgs(File.ReadAllLines(argsPath), options);
        return new LoaderFixture(name, dir, files, options);
    }

    /// <summary>
    /// One option per line: <c>-f FILE</c>, <c>--profile P</c>, <c>--env-file F</c>, <c>-p NAME</c>,
    /// <c>--project-directory D</c>, <c>--no-interpolate</c>, <c>env KEY=VALUE</c> (the shell), <c>service NAME</c>
    /// (named on the command line), <c>workdir DIR</c>; <c>#</c> starts a comment.
    /// </summary>
    public static ProjectOptions ParseArgs(IEnumerable<string> lines, ProjectOptions options)
    {
        var env = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.IndexOf(' ');
            var (flag, value) = space < 0 ? (line, "") : (line[..space], line[(space + 1)..]);
            options = flag switch
            {
                "-f" or "--file" => options with { ConfigFiles = options.ConfigFiles.Add(value) },
                "--profile" => options with { Profiles = options.Profiles.Add(value) },
                "--env-file" => options with { EnvFiles = options.EnvFiles.Add(value) },
                "-p" => options with { ProjectName = value },
                "--project-directory" => options with { ProjectDirectory = value },
                "--no-interpolate" => options with { Interpolate = false },
                "service" => options with { SelectedServices = options.SelectedServices.Add(value) },
                "workdir" => options with { WorkingDirectory = Path.GetFullPath(Path.Combine(Root, value)) },
                "env" => options,
                _ => throw new InvalidDataException($"unknown fixture argument '{line}'"),
            };
            if (flag == "env")
            {
                var eq = value.IndexOf('=');
                env[value[..eq]] = value[(eq + 1)..];
            }
        }
        return options with { Environment = env.ToImmutable() };
    }

    public LoadResult Load() => new ProjectLoader(new MemoryFileSource(Files)).Load(Options);

    /// <summary>Diagnostics as the CLI prints them, with paths relative to the fixture.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) => string.Concat(diagnostics
        .OrderBy(d => d.Position?.File, StringComparer.Ordinal).ThenBy(d => d.Position?.Line).ThenBy(d => d.Position?.Column)
        .Select(d => Relative(d.ToString()) + "\n"));

    public static string Relative(string text) => text.Replace(Root + "/", "", StringComparison.Ordinal);

    public string Output(Project project) => ProjectWriter.ToYaml(project, Options.Interpolate);
}
