using System.Collections.Concurrent;
using System.Text;
using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet;
using Docker.DotNet.Models;
using ContainerSpec = Composer.Core.Engine.ContainerSpec;

namespace Composer.Docker;

/// <summary>
/// What a service asks of the engine beyond create parameters: post_start/pre_stop hooks run through exec, and the
/// keys this engine cannot honour, named with the engine's version before anything is created.
/// </summary>
public sealed partial class DockerEngine
{
    /// <summary>The hooks label of each container this process created (null: none), so a start needs no inspect.</summary>
    private readonly ConcurrentDictionary<string, string?> _hooks = new(StringComparer.Ordinal);

    /// <summary>
    /// Fails with every key of the selected services (all when none is named) that this engine cannot honour, naming
    /// the key, what is missing and the engine's version: called by <c>up</c> before it builds or creates anything.
    /// </summary>
    public async Task CheckRequirementsAsync(Project project, IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        // Only a project that asks for something optional costs a version call.
        if (EngineRequirements.Problems(project, services, EngineInfo.Oldest).Count == 0) return;
        var problems = EngineRequirements.Problems(project, services, await EngineInfoAsync(cancellationToken).ConfigureAwait(false));
        if (problems.Count > 0) throw new EngineException(string.Join(Environment.NewLine, problems));
    }

    private async Task<EngineInfo> EngineInfoAsync(CancellationToken cancellationToken)
    {
        var version = await Call(() => _client.System.GetVersionAsync(cancellationToken), "read the engine version").ConfigureAwait(false);
        return new EngineInfo(version.Version, version.APIVersion, version.Os);
    }

    /// <summary>What the engine said when it created a container (by name), until the executor takes it.</summary>
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _createWarnings = new(StringComparer.Ordinal);

    public IReadOnlyList<string> TakeCreateWarnings(string container) =>
        _createWarnings.TryRemove(container, out var warnings) ? warnings : [];

    /// <summary>Create, with the engine's refusal of a device request or runtime said in the compose file's terms.</summary>
    private async Task<CreateContainerResponse> CreateAsync(ContainerSpec spec, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var what = $"create container {spec.Name}";
        try
        {
            var response = await Call(() => _client.Containers.CreateContainerAsync(parameters, cancellationToken), what).ConfigureAwait(false);
            if (response.Warnings is { Count: > 0 } warnings) _createWarnings[spec.Name] = [.. warnings.Where(w => !string.IsNullOrWhiteSpace(w))];
            return response;
        }
        catch (EngineException e) when (e.InnerException is DockerApiException api && api.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            var message = ApiMessage(api);
            var key = message.Contains("device driver", StringComparison.OrdinalIgnoreCase) ? "gpus / deploy.resources.reservations.devices"
                : message.Contains("runtime", StringComparison.OrdinalIgnoreCase) && spec.Runtime.Runtime is not null ? "runtime"
                : message.Contains("isolation", StringComparison.OrdinalIgnoreCase) && spec.Runtime.Isolation is not null ? "isolation"
                : message.Contains("platform", StringComparison.OrdinalIgnoreCase) && spec.Runtime.Platform is not null ? "platform"
                : message.Contains("storage-opt", StringComparison.OrdinalIgnoreCase) ? "storage_opt"
                : null;
            if (key is null) throw;
            throw new EngineException($"{what}: service \"{spec.Service}\" '{key}': {message}", api);
        }
    }

    /// <summary>Runs a container's post_start or pre_stop hooks in order; a hook that fails fails the operation, as in Compose.</summary>
    private async Task RunHooksAsync(string container, string which, CancellationToken cancellationToken)
    {
        if (!_hooks.TryGetValue(container, out var label))
        {
            try
            {
                var inspect = await Answered(_client.Containers.InspectContainerAsync(container, cancellationToken)).ConfigureAwait(false);
                label = inspect.Config?.Labels is { } labels && labels.TryGetValue(ServiceHooks.LabelName, out var l) ? l : null;
                if (which == "pre_stop" && inspect.State?.Running != true) return;
            }
            catch (DockerContainerNotFoundException)
            {
                return;
            }
        }
        if (label is null) return;
        var (postStart, preStop) = ServiceHooks.Parse(label);
        foreach (var hook in which == "post_start" ? postStart : preStop)
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            var exit = await ExecAsync(container, new ExecRequest(hook.Command)
            {
                User = hook.User, Privileged = hook.Privileged, WorkingDir = hook.WorkingDir,
                Environment = [.. hook.Environment.Select(kv => $"{kv.Key}={kv.Value}")],
            }, new ProcessStreams { Stdout = stdout, Stderr = stderr }, cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                var output = Encoding.UTF8.GetString(stderr.Length > 0 ? stderr.ToArray() : stdout.ToArray()).Trim();
                throw new EngineException($"{which} hook of container {container} ({string.Join(' ', hook.Command)}) exited with code {exit}" +
                                          (output.Length > 0 ? $": {output[^Math.Min(output.Length, 2048)..]}" : ""));
            }
        }
    }
}
