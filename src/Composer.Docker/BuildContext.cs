using System.Formats.Tar;
using System.Text;
using Composer.Core.IO;

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
    public static IEnumerable<string> Entries(string directory)
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
