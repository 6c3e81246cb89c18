using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>The project's container events, for watch mode.</summary>
public sealed partial class DockerEngine : IEventSource
{
    public async IAsyncEnumerable<EngineEvent> StreamAsync(string project, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["type"] = new Dictionary<string, bool> { ["container"] = true },
            ["label"] = new Dictionary<string, bool> { [$"{ComposeLabels.Project}={project}"] = true },
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // default: only what happens from now on (composer events); a time: replay from there (watch's resync).
        var reader = Events(filters, cts.Token, since == default ? null : since);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                while (reader.TryRead(out var m))
                    if (ToEvent(m) is { } e) yield return e;
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    private static EngineEvent? ToEvent(Message m)
    {
        if (m.Actor?.Attributes is not { } attributes || m.Action is null) return null;
        string? A(string key) => attributes.TryGetValue(key, out var v) ? v : null;
        var time = m.TimeNano is { } ns && ns > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000)
            : m.Time is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : DateTimeOffset.UtcNow;
        return new EngineEvent(time, m.Action, m.Actor.ID ?? "", A("name") ?? "", A(ComposeLabels.Service) ?? "",
            int.TryParse(A(ComposeLabels.ContainerNumber), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1)
        {
            ExitCode = int.TryParse(A("exitCode"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null,
            Signal = A("signal"),
            IsOneOff = string.Equals(A(ComposeLabels.OneOff), "True", StringComparison.OrdinalIgnoreCase),
            Attributes = attributes.ToImmutableSortedDictionary(StringComparer.Ordinal),
        };
    }
}
