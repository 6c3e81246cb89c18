namespace Composer.Core.Loading;

/// <summary>What normalization needs from outside: the project directory, files, and variables.</summary>
public sealed class NormalizerContext(string projectDirectory, IReadOnlyList<string> configFiles, Func<string, string?> lookup, Func<string, string?> readFile)
{
    public string ProjectDirectory { get; } = projectDirectory;
    /// <summary>See <see cref="ProjectOptions.DiscardEnvFiles"/>.</summary>
    public bool DiscardEnvFiles { get; init; }
    public IReadOnlyList<string> ConfigFiles { get; } = configFiles;
    public string? Lookup(string name) => lookup(name);
    public string? ReadFile(string path) => readFile(path);

    public string ResolvePath(string path) => ResolvePath(ProjectDirectory, path, lookup("HOME"));

    /// <summary>A host path as the file's are read: <c>~</c> is <paramref name="home"/>, a relative one the project directory's.</summary>
    public static string ResolvePath(string projectDirectory, string path, string? home)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal) || path == "~")
            path = Path.Combine(home ?? "/root", path.TrimStart('~').TrimStart('/'));
        return Path.GetFullPath(Path.Combine(projectDirectory, path));
    }
}
