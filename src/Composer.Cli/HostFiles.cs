using System.Threading.Channels;
using Composer.Core.Supervision.Develop;
using Composer.Docker;

namespace Composer.Cli;

/// <summary>The host's files for <c>develop.watch</c>: read, listed, and watched with <see cref="FileSystemWatcher"/>.</summary>
public sealed class HostFiles : IHostFiles
{
    public IFileChangeFeed Watch(IReadOnlyCollection<string> roots) => new FileChangeFeed(roots);

    public string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public IEnumerable<string> FilesUnder(string root) => FileChangeFeed.FilesUnder(root);
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
    /// <summary>Roots that do not exist yet → the existing ancestor watched (not recursively) for their arrival.</summary>
    private readonly Dictionary<string, string> _missing = new(StringComparer.Ordinal);
    private readonly bool _listen;

    /// <param name="listen">False: no watcher is started, only <see cref="Rescan"/> reports (tests of the overflow path).</param>
    public FileChangeFeed(IReadOnlyCollection<string> roots, bool listen = true)
    {
        _listen = listen;
        lock (_lock)
            foreach (var root in roots) AddRoot(root);
    }

    public ChannelReader<string> Changes => _changes.Reader;

    /// <summary>
    /// Watches a root: a directory recursively, a file through its directory. A root not there yet is waited for from
    /// its nearest existing ancestor, not recursively (never a whole tree above the project); once it appears, it is
    /// watched itself and what it holds is reported.
    /// </summary>
    private void AddRoot(string root)
    {
        if (Directory.Exists(root)) Watch(root, "", recursive: true);
        else if (File.Exists(root)) Watch(Path.GetDirectoryName(root)!, Path.GetFileName(root), recursive: false);
        else
        {
            for (var parent = Path.GetDirectoryName(root); parent is not null; parent = Path.GetDirectoryName(parent))
            {
                if (!Directory.Exists(parent)) continue;
                _missing[root] = parent;
                Watch(parent, "", recursive: false);
                return;
            }
        }
    }

    private void Watch(string directory, string filter, bool recursive)
    {
        if (_points.Contains((directory, recursive, filter))) return;
        _points.Add((directory, recursive, filter));
        _scans[Key(directory, filter)] = Scan(directory, recursive, filter);
        if (!_listen) return;
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

    private static string Key(string directory, string filter) => directory + "\0" + filter;

    /// <summary>Something appeared where a missing root is waited for: watch the root (or its now nearest ancestor).</summary>
    private void Arrived()
    {
        lock (_lock)
        {
            foreach (var root in _missing.Keys.ToList())
            {
                // Each new watch point is looked past at once: what was created before it was watching raised no event.
                while (_missing.Remove(root, out var from))
                {
                    AddRoot(root);
                    if (_missing.TryGetValue(root, out var now) && now == from) break;
                }
                if (!_missing.ContainsKey(root))
                    foreach (var file in FilesUnder(root)) _changes.Writer.TryWrite(file);
            }
        }
    }

    /// <summary>Every file under a path (the path itself when it is a file), never entering a symbolic link.</summary>
    public static IEnumerable<string> FilesUnder(string root)
    {
        if (File.Exists(root)) return [root];
        if (!Directory.Exists(root)) return [];
        return BuildContext.Entries(root).Where(p => !Directory.Exists(p) || new DirectoryInfo(p).LinkTarget is not null);
    }

    private void Report(string path, bool expandDirectory)
    {
        if (expandDirectory && _missing.Count > 0) Arrived();
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
        List<(string, bool, string)> points;
        lock (_lock) points = [.. _points];
        foreach (var (directory, recursive, filter) in points) Rescan(directory, recursive, filter);
    }

    private void Rescan(string directory, bool recursive, string filter)
    {
        lock (_lock)
        {
            var before = _scans.GetValueOrDefault(Key(directory, filter)) ?? [];
            var after = Scan(directory, recursive, filter);
            foreach (var (path, stamp) in after)
                if (!before.TryGetValue(path, out var old) || old != stamp) _changes.Writer.TryWrite(path);
            foreach (var path in before.Keys.Where(p => !after.ContainsKey(p))) _changes.Writer.TryWrite(path);
            _scans[Key(directory, filter)] = after;
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
        lock (_lock)
            foreach (var watcher in _watchers) watcher.Dispose();
        _changes.Writer.TryComplete();
    }
}
