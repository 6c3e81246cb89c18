namespace Composer.Core.Engine;

/// <summary>
/// The only way Composer talks to a container engine. The Docker adapter implements it over the Engine API; tests
/// use a fake. Names are engine names (containers may be addressed by name or id).
/// </summary>
public interface IEngine
{
    /// <summary>One read pass: the project's labelled containers, networks and volumes, plus the given images and external resources.</summary>
    Task<ObservedState> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken);

    Task PullImageAsync(string image, CancellationToken cancellationToken);
    Task CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken);
    Task RemoveNetworkAsync(string name, CancellationToken cancellationToken);
    Task CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken);
    Task RemoveVolumeAsync(string name, CancellationToken cancellationToken);
    /// <summary>Creates the container and connects its extra networks; returns the id.</summary>
    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);
    Task StartContainerAsync(string name, CancellationToken cancellationToken);
    Task StopContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken);
    Task RemoveContainerAsync(string name, bool removeAnonymousVolumes, CancellationToken cancellationToken);
    /// <summary>Renames a container (out of the way of its replacement, as Compose does on recreate).</summary>
    Task RenameContainerAsync(string name, string newName, CancellationToken cancellationToken);
    Task KillContainerAsync(string name, string signal, CancellationToken cancellationToken);
    Task RestartContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken);
    /// <summary>Builds <paramref name="image"/> from a context directory (tarred honouring .dockerignore).</summary>
    Task BuildImageAsync(string image, Model.BuildSpec build, CancellationToken cancellationToken);
    /// <summary>Completes when the container meets the depends_on condition; throws <see cref="ConditionFailedException"/> when it never can.</summary>
    Task WaitForConditionAsync(string name, string condition, CancellationToken cancellationToken);
    /// <summary>Where the container can be reached now (addresses per network, exposed ports); null when it does not exist.</summary>
    Task<ContainerEndpoints?> InspectEndpointsAsync(string name, CancellationToken cancellationToken);
    /// <summary>
    /// The warnings the engine gave when it created <paramref name="container"/> (e.g. a resource limit the kernel
    /// cannot apply), once: the executor shows them to the user rather than dropping them.
    /// </summary>
    IReadOnlyList<string> TakeCreateWarnings(string container) => [];
}

public sealed record ObserveRequest(string Project)
{
    public IReadOnlyCollection<string> Images { get; init; } = [];
    public IReadOnlyCollection<string> ExternalNetworks { get; init; } = [];
    public IReadOnlyCollection<string> ExternalVolumes { get; init; } = [];
    /// <summary>Include one-off (run) containers.</summary>
    public bool IncludeOneOff { get; init; } = true;
    /// <summary>
    /// Only these services' containers; null lists every container of the project. Networks and volumes are always
    /// the project's. A repair of one service reads a few services, and listing 500 containers costs the engine ~40 ms.
    /// </summary>
    public IReadOnlyCollection<string>? Services { get; init; }
}
