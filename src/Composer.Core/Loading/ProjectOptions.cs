using System.Collections.Immutable;
using Composer.Core.IO;

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
    /// <summary>
    /// Leave <c>env_file</c>s unread (Compose's <c>WithDiscardEnvFile</c>): commands that only find or act on existing
    /// containers (ps, logs, stop, down…) and build/pull neither need them nor fail for a missing one.
    /// </summary>
    public bool DiscardEnvFiles { get; init; }

    /// <summary>
    /// Whether two services may not share a container_name: Compose checks it only where containers are created
    /// (up, create, run) and in config; down, ps, logs, start/stop… load such a file.
    /// </summary>
    public bool CheckContainerNames { get; init; } = true;

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

/// <summary>
/// The disk, read defensively: only regular files (a directory, <c>/dev/zero</c> or a pipe is refused before reading)
/// of at most <see cref="InputLimits.MaxFileBytes"/>; a file that cannot be read is an <see cref="InputFileException"/>.
/// </summary>
public sealed class DiskFileSource : IFileSource
{
    public static readonly DiskFileSource Instance = new();

    public string? ReadAllText(string path)
    {
        UnixFileStatus? status;
        try { status = UnixFile.Stat(path); }
        catch (UnauthorizedAccessException) { throw new InputFileException($"open {path}: permission denied"); }
        if (status is not { } s) return null;
        if (s.Kind == UnixFileKind.Directory) throw new InputFileException($"read {path}: is a directory, not a file");
        if (s.Kind != UnixFileKind.Regular) throw new InputFileException($"read {path}: is {UnixFile.Describe(s.Kind)}; only regular files are read");
        if (s.Size > InputLimits.MaxFileBytes) throw InputLimits.TooLarge(path, s.Size);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // The size was checked, but the file may grow meanwhile: never read more than the limit.
            var content = new MemoryStream((int)Math.Min(s.Size, InputLimits.MaxFileBytes));
            var chunk = new byte[81920];
            for (int n; (n = stream.Read(chunk)) > 0;)
            {
                content.Write(chunk, 0, n);
                if (content.Length > InputLimits.MaxFileBytes) throw InputLimits.TooLarge(path, content.Length);
            }
            content.Position = 0;
            using var reader = new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (UnauthorizedAccessException) { throw new InputFileException($"open {path}: permission denied"); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (IOException e) when (e is not InputFileException) { throw new InputFileException($"read {path}: {e.Message}"); }
    }

    public bool FileExists(string path) => File.Exists(path);
}

/// <summary>Bounds on what Composer reads, so hostile or mistaken input fails fast with a message.</summary>
public static class InputLimits
{
    /// <summary>The largest compose, <c>.env</c> or env file read: 10 MB, far beyond any real project.</summary>
    public const int MaxFileBytes = 10 * 1024 * 1024;

    /// <summary>How deeply <c>${A:-${B:-…}}</c> may nest; each level costs a pass over its text.</summary>
    public const int MaxInterpolationNesting = 32;

    internal static InputFileException TooLarge(string path, long size) =>
        new($"read {path}: {size / 1048576.0:0.#} MB is more than the {MaxFileBytes / 1048576} MB an input file may have");
}

/// <summary>An input file that exists but cannot be read as one: reported as a file error (exit 2).</summary>
public sealed class InputFileException(string message) : IOException(message);
