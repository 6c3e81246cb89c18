using System.Diagnostics;
using Composer.Core.Loading;

namespace Composer.Cli;

/// <summary>
/// <c>COMPOSER_TIMINGS=1</c>: where a command's time went, on stderr: from <c>Main</c> to the command's action
/// (System.CommandLine's setup and parse), the loader's stages, and the whole of <c>Main</c>. What the process spends
/// before <c>Main</c> (runtime start) is the wall time of the run less the last figure.
/// </summary>
internal static class CommandTimings
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("COMPOSER_TIMINGS") is "1" or "true";
    private static long _main;
    private static double? _toAction;

    public static void MainStarted() => _main = Stopwatch.GetTimestamp();

    /// <summary>A loader's stage clock when timings are asked for (the first load of the command notes when it began).</summary>
    public static LoadTimings? ForLoad()
    {
        if (!Enabled) return null;
        _toAction ??= Stopwatch.GetElapsedTime(_main).TotalMilliseconds;
        return new LoadTimings();
    }

    public static void Loaded(LoadTimings? timings)
    {
        if (timings is not null) Console.Error.WriteLine($"composer: timings (ms/MB allocated): load: {timings}");
    }

    public static void MainEnded()
    {
        if (!Enabled) return;
        var toAction = _toAction is { } t ? $"main→load {t:F1}, " : "";
        Console.Error.WriteLine($"composer: timings (ms): {toAction}main→exit {Stopwatch.GetElapsedTime(_main).TotalMilliseconds:F1}; " +
            $"{GC.GetTotalAllocatedBytes() / 1048576.0:F1} MB allocated, gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} ({GC.GetTotalPauseDuration().TotalMilliseconds:F1} ms paused)");
    }
}
