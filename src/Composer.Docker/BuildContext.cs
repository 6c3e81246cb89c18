using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;

namespace Composer.Docker;

/// <summary>
/// The build context as the engine wants it: a tar of the context directory without what <c>.dockerignore</c>
/// excludes (patterns with <c>*</c>, <c>?</c>, <c>**</c>, <c>!</c> exceptions; the last matching line wins; a pattern
/// that matches a directory excludes what is under it). The Dockerfile and .dockerignore are always sent, as the
/// docker CLI does; symbolic links are sent as links, never followed.
/// </summary>
public static class BuildContext
{
    /// <summary>The name <c>dockerfile_inline</c>'s text is sent under (the classic builder reads the Dockerfile from the context).</summary>
    public const string InlineDockerfileName = ".composer-inline.Dockerfile";

    public static async Task<MemoryStream> TarAsync(string contextDirectory, string dockerfile, CancellationToken cancellationToken, string? inlineDockerfile = null)
    {
        var ignore = DockerIgnore.Load(contextDirectory);
        var output = new MemoryStream();
        await using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var path in Entries(contextDirectory).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(contextDirectory, path).Replace('\\', '/');
                if (ignore.Excludes(relative) && relative != dockerfile && relative != ".dockerignore") continue;
                if (inlineDockerfile is not null && relative == InlineDockerfileName) continue;
                await tar.WriteEntryAsync(path, relative, cancellationToken).ConfigureAwait(false);
            }
            if (inlineDockerfile is not null)
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, InlineDockerfileName)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(inlineDockerfile)),
                }, cancellationToken).ConfigureAwait(false);
        }
        output.Position = 0;
        return output;
    }

    /// <summary>
    /// Every path under <paramref name="directory"/>, without entering symbolic links: a link (to a file or a
    /// directory, inside the context or out of it) is sent as the link itself, as <c>docker build</c> does, so nothing
    /// outside the context reaches the engine.
    /// </summary>
    private static IEnumerable<string> Entries(string directory)
    {
        var pending = new Stack<string>([directory]);
        var flat = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };
        while (pending.TryPop(out var current))
        {
            foreach (var info in new DirectoryInfo(current).EnumerateFileSystemInfos("*", flat))
            {
                yield return info.FullName;
                if (info is DirectoryInfo && info.LinkTarget is null) pending.Push(info.FullName);
            }
        }
    }
}

public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _rules;

    private DockerIgnore(List<(Regex, bool)> rules) => _rules = rules;

    public static DockerIgnore Load(string contextDirectory)
    {
        var file = Path.Combine(contextDirectory, ".dockerignore");
        return Parse(File.Exists(file) ? File.ReadAllText(file) : "");
    }

    public static DockerIgnore Parse(string text)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var exception = line.StartsWith('!');
            if (exception) line = line[1..].Trim();
            line = line.Replace('\\', '/').Trim('/');
            if (line.StartsWith("./", StringComparison.Ordinal)) line = line[2..];
            if (line.Length == 0) continue;
            rules.Add((new Regex("^" + ToRegex(line) + "$", RegexOptions.CultureInvariant), exception));
        }
        return new DockerIgnore(rules);
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; sb.Append("(.*/)?"); }
                else sb.Append(".*");
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }

    /// <summary>True when the path (relative, with /) or one of its parent directories is excluded.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exception) in _rules)
        {
            // A rule matches the path itself or any directory above it.
            var matches = pattern.IsMatch(relativePath) || Parents(relativePath).Any(pattern.IsMatch);
            if (matches) excluded = !exception;
        }
        return excluded;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var i = path.IndexOf('/'); i >= 0; i = path.IndexOf('/', i + 1)) yield return path[..i];
    }
}
