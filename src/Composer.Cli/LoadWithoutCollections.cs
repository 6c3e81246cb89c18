using System.Runtime;

namespace Composer.Cli;

/// <summary>
/// Loads a project with the garbage collector held off. Almost everything the loader builds (the YAML tree, the model,
/// the graph) lives until the command is done with the project, so each collection during the load only copies it to
/// an older generation: for 1,000 services about a quarter of the command's CPU, for nothing. A command loads once, at
/// its start, so the collector is asked not to run until the load has allocated <see cref="Budget"/>; past that (a
/// file of several MB) it collects as usual, and after the load it does anyway.
/// </summary>
internal static class LoadWithoutCollections
{
    /// <summary>About 120 bytes allocated per byte of compose file: room for a file of 2 MB (some 5,000 services).</summary>
    private const long Budget = 256L * 1024 * 1024;

    public static T Run<T>(Func<T> load)
    {
        var held = false;
        try { held = GC.TryStartNoGCRegion(Budget); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // A heap limit below the budget (a small container) or a load already held off: load as usual.
        }
        try { return load(); }
        finally
        {
            // Still held unless the load allocated past the budget (the collector then ended the region itself).
            if (held && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try { GC.EndNoGCRegion(); }
                catch (InvalidOperationException) { }
            }
        }
    }
}
