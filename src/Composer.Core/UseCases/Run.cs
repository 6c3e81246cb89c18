using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

/// <param name="Remove">Remove the container when it exits (<c>--rm</c>).</param>
public sealed record RunRequest(Project Project, string Service, OneOffOptions Options, AttachMode Mode)
{
    public bool NoDeps { get; init; }
    public bool Remove { get; init; }
}

/// <summary>A detached run names its container; an attached one ends with the process's exit code. Null for both: a dependency failed.</summary>
public sealed record RunResult(string? Container, long? ExitCode);

public sealed record ExecServiceRequest(ProjectTarget Target, string Service, int Index, ExecRequest Exec, AttachMode Mode);

public sealed partial class ComposeActions
{
    /// <summary>
    /// A one-off container for a service (<c>&lt;project&gt;-&lt;service&gt;-run-&lt;id&gt;</c>): its networks, volumes and
    /// (unless --no-deps) dependencies as up would make them, under the project's lock; then the container, attached
    /// to the user's terminal unless detached.
    /// </summary>
    public async Task<RunResult> RunAsync(RunRequest request, IProcessAttach terminal, CancellationToken cancellationToken)
    {
        var project = request.Project;
        var definition = project.Services[request.Service];
        var (ready, observed) = await LockedAsync(project.Name, cancellationToken, async () =>
        {
            var observed = await engine.ObserveAsync(Observation.For(project), cancellationToken).ConfigureAwait(false);
            var plan = Planner.PlanUp(project, observed, new UpOptions { Services = [request.Service], NoDeps = request.NoDeps, OneOffService = request.Service });
            return (await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false), observed);
        }).ConfigureAwait(false);
        if (!ready) return new RunResult(null, null);

        var imageId = definition.Image is null ? null : observed.Images.GetValueOrDefault(definition.Image);
        var spec = OneOffSpec.Build(project, definition, imageId, request.Options, Guid.NewGuid().ToString("n")[..12]);
        await engine.CreateContainerAsync(spec, cancellationToken).ConfigureAwait(false);
        if (request.Options.Detach)
        {
            await engine.StartContainerAsync(spec.Name, cancellationToken).ConfigureAwait(false);
            return new RunResult(spec.Name, null);
        }
        try
        {
            return new RunResult(spec.Name, await terminal.AttachAsync(request.Mode, io => engine.RunAttachedAsync(spec.Name, request.Mode.Tty, io, cancellationToken)).ConfigureAwait(false));
        }
        finally
        {
            if (request.Remove) await engine.RemoveContainerAsync(spec.Name, removeAnonymousVolumes: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a command in a service's running container; null when that container is not running.</summary>
    public async Task<long?> ExecAsync(ExecServiceRequest request, IProcessAttach terminal, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Target.Name) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
        var container = observed.Containers.FirstOrDefault(c => c.Service == request.Service && c.Number == request.Index);
        if (container is null || !container.IsRunning) return null;
        return await terminal.AttachAsync(request.Mode, io => engine.ExecAsync(container.Name, request.Exec, io, cancellationToken)).ConfigureAwait(false);
    }
}
