using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.Supervision.Develop;

namespace Composer.Core.UseCases;

public sealed partial class ComposeActions
{
    /// <summary>
    /// The host's files for <c>develop.watch</c> (the command line's file watcher). Without it, or with an engine that
    /// cannot copy files into containers, watch only supervises.
    /// </summary>
    public IHostFiles? HostFiles { get; init; }

    /// <summary>Syncs files for the services with <c>develop.watch</c> rules, beside crash supervision; null when none has any.</summary>
    private DevelopWatcher? DevelopWatcherFor(Project project, IWatchOutput watch)
    {
        if (HostFiles is null || engine is not IContainerFileSync sync || project.Services.Values.All(s => s.Runtime.DevelopWatch.IsEmpty)) return null;
        return new DevelopWatcher(project, engine, sync, HostFiles, watch, new DevelopWatchOptions
        {
            Parallelism = parallelism,
            ChangeGate = token => locks.AcquireAsync(project.Name, token),
        }, _time);
    }
}
