using System.Runtime;

namespace Composer.Cli;

/// <summary>
/// Loads a project with the garbage collector held off. Almost everything the loader builds (the YAML tree, the model,
/// the graph) lives until the command is done with the project, so each collection during the load only copies it to
/// an older generation: for 1,000 services about a quarter of the command's CPU, for nothing. A command loads once, at
/// its start, so the collector is asked not to run until the load has allocated its budget (from the files' size); past
/// that it collects as usual. The hold is let go a moment after the load, not at its end: the first
/// allocation after that collects (and copies) everything the load made, which a command that is done by then
/// (<c>config</c>, <c>ps</c>, an <c>up</c> with nothing to do) need not pay for; a longer one pays it once.
/// </summary>
internal static class LoadWithoutCollections
{
    /// <summary>The load allocates about 120 bytes per byte of compose file; the budget leaves room over that.</summary>
    private const long BytesPerFileByte = 150;
    private const long MinBudget = 16L * 1024 * 1024, MaxBudget = 256L * 1024 * 1024;

    /// <summary>Below this (some 200 services) the load ends before the collector would run, and holding it off costs more than it saves.</summary>
    private const long SmallFiles = 64 * 1024;

    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(1);

    private static Timer? _release;

    /// <param name="files">The compose files the load will read (their size sets the budget).</param>
    /// <param name="load">The load.</param>
    public static T Run<T>(IEnumerable<string> files, Func<T> load)
    {
        var size = files.Sum(SizeOf);
        if (size < SmallFiles) return load();
        var held = false;
        try { held = GC.TryStartNoGCRegion(Math.Clamp(size * BytesPerFileByte, MinBudget, MaxBudget)); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // A heap limit below the budget (a small container) or a load already held off: load as usual.
        }
        try { return load(); }
        finally
        {
            if (held) _release = new Timer(_ => Release(), null, Hold, Timeout.InfiniteTimeSpan);
        }
    }

    private static long SizeOf(string file)
    {
        try { return file == "-" ? 0 : new FileInfo(file).Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException) { return 0; }
    }

    private static void Release()
    {
        // Still held unless more than the budget was allocated since (the collector then ended the region itself).
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { }
    }
}
