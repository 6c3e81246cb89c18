using System.Threading.Channels;
using Composer.Core.Supervision.Develop;
using Composer.Docker;

namespace Composer.Cli;

/// <summary>The host's files for <c>develop.watch</c>: read, listed, and watched with <see cref="FileSystemWatcher"/>.</summary>
public sealed class HostFiles : IHostFiles
{
    public IFileChangeFeed Watch(IReadOnlyCollection<string> roots) => new FileChangeFeed(roots);

    public string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public IEnumerable<string> FilesUnder(string root)
    {
        if (File.Exists(root)) return [root];
        if (!Directory.Exists(root)) return [];
        return BuildContext.Entries(root).Where(p => !Directory.Exists(p) || new DirectoryInfo(p).LinkTarget is not null);
    }
}

/// <summary>
/// One <see cref="FileSystemWatcher"/> per root (a directory recursively, one file through its directory, a missing
/// path through its nearest existing parent). The watchers' kernel buffers are bounded; when one overflows, its root
/// is rescanned and every file that differs from the last scan (new, changed, gone) is reported, so no change is lost.
/// A new directory (created or moved in) is reported as the files it holds; a directory's own change events are not
/// reported, so a sync never copies a directory past the ignore rules.
/// </summary>
public sealed class FileChangeFeed : IFileChangeFeed
{
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Dictionary<string, Dictionary<string, (long Length, DateTime Written)>> _scans = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<(string Directory, bool Recursive, string Filter)> _points = [];

    /// <param name="listen">False: no watcher is started, only <see cref="Rescan"/> reports (tests of the overflow path).</param>
    public FileChangeFeed(IReadOnlyCollection<string> roots, bool listen = true)
    {
        foreach (var root in roots)
        {
            var (directory, filter, recursive) = WatchPoint(root);
            if (directory is null) continue;
            lock (_lock) _scans[directory] = Scan(directory, recursive, filter);
            _points.Add((directory, recursive, filter));
            if (!listen) continue;
            var watcher = new FileSystemWatcher(directory, filter)
            {
                IncludeSubdirectories = recursive,
                // Bounded: 64 KiB (the maximum); past it the Error event asks for a rescan.
                InternalBufferSize = 64 * 1024,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes | NotifyFilters.CreationTime,
            };
            watcher.Created += (_, e) => Report(e.FullPath, expandDirectory: true);
            watcher.Changed += (_, e) => Report(e.FullPath, expandDirectory: false);
            watcher.Deleted += (_, e) => Report(e.FullPath, expandDirectory: false);
            watcher.Renamed += (_, e) =>
            {
                Report(e.OldFullPath, expandDirectory: false);
                Report(e.FullPath, expandDirectory: true);
            };
            watcher.Error += (_, _) => Rescan(directory, recursive, filter);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public ChannelReader<string> Changes => _changes.Reader;

    /// <summary>Where to watch a root from: itself, its directory (a file), or its nearest existing parent (not there yet).</summary>
    private static (string? Directory, string Filter, bool Recursive) WatchPoint(string root)
    {
        if (Directory.Exists(root)) return (root, "", true);
        if (File.Exists(root)) return (Path.GetDirectoryName(root), Path.GetFileName(root), false);
        for (var parent = Path.GetDirectoryName(root); parent is not null; parent = Path.GetDirectoryName(parent))
            if (Directory.Exists(parent)) return (parent, "", true);
        return (null, "", false);
    }

    private void Report(string path, bool expandDirectory)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
        {
            // Files written into a new directory before its watch was set up raise no event of their own.
            if (expandDirectory)
                foreach (var file in BuildContext.Entries(path).Where(p => !Directory.Exists(p))) _changes.Writer.TryWrite(file);
            return;
        }
        _changes.Writer.TryWrite(path);
    }

    /// <summary>What a buffer overflow triggers: every root rescanned, every file that differs from the last scan reported.</summary>
    public void Rescan()
    {
        foreach (var (directory, recursive, filter) in _points) Rescan(directory, recursive, filter);
    }

    private void Rescan(string directory, bool recursive, string filter)
    {
        lock (_lock)
        {
            var before = _scans.GetValueOrDefault(directory) ?? [];
            var after = Scan(directory, recursive, filter);
            foreach (var (path, stamp) in after)
                if (!before.TryGetValue(path, out var old) || old != stamp) _changes.Writer.TryWrite(path);
            foreach (var path in before.Keys.Where(p => !after.ContainsKey(p))) _changes.Writer.TryWrite(path);
            _scans[directory] = after;
        }
    }

    private static Dictionary<string, (long, DateTime)> Scan(string directory, bool recursive, string filter)
    {
        var result = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        IEnumerable<string> paths = recursive ? BuildContext.Entries(directory) : filter.Length > 0 ? [Path.Combine(directory, filter)] : [];
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (!info.Exists && info.LinkTarget is null) continue;
            result[path] = (info.Exists ? info.Length : 0, info.Exists ? info.LastWriteTimeUtc : default);
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _changes.Writer.TryComplete();
    }
}
