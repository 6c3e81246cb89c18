using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Supervision;

namespace Composer.Core.UseCases;

public sealed record WatchRequest(Project Project);

public sealed partial class ComposeActions
{
    /// <summary>
    /// Keeps the project whole and its containers connected until interrupted; false when another composer already
    /// watches it (two watchers would repair each incident twice).
    /// </summary>
    public async Task<bool> WatchAsync(WatchRequest request, CancellationToken cancellationToken)
    {
        var project = request.Project;
        var key = project.Name + ".watch";
        using var watching = locks.TryAcquire(key);
        if (watching is null)
        {
            output.Error($"another composer is already watching project \"{project.Name}\" ({locks.Where(key)})");
            return false;
        }
        var watch = output.Watch(project.Name);
        var develop = DevelopWatcherFor(project, watch);
        if (develop?.Problems is { Count: > 0 } problems)
        {
            foreach (var problem in problems) output.Error(problem);
            return false;
        }
        watch.Info($"watching project {project.Name}; Ctrl-C stops watching and leaves the containers running");
        var options = new SupervisorOptions
        {
            Parallelism = parallelism,
            ChangeGate = token => locks.AcquireAsync(project.Name, token),
        };
        // A project across hosts: each engine probed, its services failed over or left alone while it is gone.
        var supervising = engine is HostEngines hosts
            ? new HostWatch(project, hosts.Engines, watch, options, time: _time, imageSource: hosts.ImageSource).RunAsync(cancellationToken)
            : new Supervisor(project, engine, engine, watch, options, _time).RunAsync(cancellationToken);
        await Task.WhenAll(
            supervising,
            develop?.RunAsync(cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
        return true;
    }
}
