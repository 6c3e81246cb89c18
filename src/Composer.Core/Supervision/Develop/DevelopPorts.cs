using System.Threading.Channels;

namespace Composer.Core.Supervision.Develop;

/// <summary>
/// The host's file system as <c>develop.watch</c> needs it; the command line implements it (a file watcher), unit
/// tests fake it, so Core does no file I/O of its own.
/// </summary>
public interface IHostFiles
{
    /// <summary>Starts reporting changed paths under <paramref name="roots"/> (recursively; a root may be one file or not exist yet).</summary>
    IFileChangeFeed Watch(IReadOnlyCollection<string> roots);
    /// <summary>A text file's content; null when it does not exist.</summary>
    string? ReadText(string path);
    /// <summary>Every file under <paramref name="root"/> (the root itself when it is a file), without entering symbolic links.</summary>
    IEnumerable<string> FilesUnder(string root);
}

/// <summary>
/// Changed host paths (created, changed, deleted or renamed, either name), absolute. When the watcher's buffer
/// overflows, the feed rescans its roots and reports every path that differs from what it saw before, so no change is
/// lost; it never reports a partial picture silently.
/// </summary>
public interface IFileChangeFeed : IDisposable
{
    ChannelReader<string> Changes { get; }
}

/// <summary>Copies host files into a container and removes the ones gone from the host (the engine's archive endpoint and an <c>rm</c>).</summary>
public interface IContainerFileSync
{
    /// <summary>
    /// For each mapping: a host path that exists (file or directory) is copied to its container path in one tar; one
    /// that no longer exists has its container path removed (<c>rm -rf</c>, as Compose does).
    /// </summary>
    Task SyncFilesAsync(string container, IReadOnlyList<PathMapping> paths, CancellationToken cancellationToken);
}
