using System.Collections.Immutable;

namespace Composer.Core.Engine;

/// <summary>A container event of the project, as the engine reports it (Docker's action names).</summary>
public sealed record EngineEvent(DateTimeOffset Time, string Action, string ContainerId, string ContainerName, string Service, int Number)
{
    public int? ExitCode { get; init; }
    public string? Signal { get; init; }
    public bool IsOneOff { get; init; }
    /// <summary>Everything the engine attached to the event (the container's labels, name, image, exit code…).</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>The engine's event stream for one project. Ends or throws when the connection drops.</summary>
public interface IEventSource
{
    IAsyncEnumerable<EngineEvent> StreamAsync(string project, DateTimeOffset since, CancellationToken cancellationToken);
}
