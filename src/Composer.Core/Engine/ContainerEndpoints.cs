using System.Collections.Immutable;

namespace Composer.Core.Engine;

/// <summary>Where a container can be reached now: its address on each network it is attached to, and its exposed ports.</summary>
/// <param name="Addresses">Network name → IPv4 address; empty when the container is not running.</param>
/// <param name="Ports">Exposed ports as <c>port/proto</c>: the image's, <c>expose</c> and <c>ports</c>.</param>
public sealed record ContainerEndpoints(string Name, string Service, bool Running,
    ImmutableSortedDictionary<string, string> Addresses, ImmutableArray<string> Ports)
{
    /// <summary>The container's own <c>KEY=VALUE</c> environment (image and file), without link variables Composer wrote.</summary>
    public ImmutableArray<string> Environment { get; init; } = [];
}
