using System.Collections.Immutable;

namespace Composer.Core.Loading;

/// <summary>Everything that decides which project is loaded: the command line's -f/-p/--env-file/--profile and the environment.</summary>
public sealed record ProjectOptions
{
    /// <summary>The directory the command runs in; files are looked for from here up.</summary>
    public required string WorkingDirectory { get; init; }
    public ImmutableArray<string> ConfigFiles { get; init; } = [];
    public string? ProjectName { get; init; }
    public string? ProjectDirectory { get; init; }
    public ImmutableArray<string> EnvFiles { get; init; } = [];
    public ImmutableArray<string> Profiles { get; init; } = [];
    /// <summary>Services named on the command line: their profiles are enabled.</summary>
    public ImmutableArray<string> SelectedServices { get; init; } = [];
    /// <summary>The process environment (shell variables win over <c>.env</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;
    public bool Interpolate { get; init; } = true;

    public static ProjectOptions FromProcess(string workingDirectory) => new()
    {
        WorkingDirectory = workingDirectory,
        Environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToImmutableDictionary(e => (string)e.Key, e => (string?)e.Value ?? ""),
    };
}

/// <summary>How the loader reads files: the real disk in the command, an in-memory map in tests.</summary>
public interface IFileSource
{
    string? ReadAllText(string path);
    bool FileExists(string path);
}

public sealed class DiskFileSource : IFileSource
{
    public static readonly DiskFileSource Instance = new();
    public string? ReadAllText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
    public bool FileExists(string path) => File.Exists(path);
}
