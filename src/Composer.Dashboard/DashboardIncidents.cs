using System.Threading.Channels;
using Composer.Core.Supervision;

namespace Composer.Dashboard;

/// <summary>
/// The watch incidents the page shows: the Supervisor reports them here (as one of its outputs); the dashboard keeps
/// the latest and pushes each new one to every open event stream.
/// </summary>
public sealed class DashboardIncidents : IWatchOutput
{
    private const int Kept = 500;
    private readonly Lock _lock = new();
    private readonly List<(DateTimeOffset Time, IncidentReport Report)> _incidents = [];
    private readonly List<Channel<(DateTimeOffset, IncidentReport)>> _subscribers = [];

    public void Incident(IncidentReport report)
    {
        var entry = (DateTimeOffset.UtcNow, report);
        lock (_lock)
        {
            _incidents.Add(entry);
            if (_incidents.Count > Kept) _incidents.RemoveAt(0);
            foreach (var s in _subscribers) s.Writer.TryWrite(entry);
        }
    }

    public void Info(string message) { }

    public IReadOnlyList<(DateTimeOffset Time, IncidentReport Report)> Snapshot()
    {
        lock (_lock) return [.. _incidents];
    }

    /// <summary>The latest report of each service (restart count, crash-looping).</summary>
    public IncidentReport? LatestOf(string service)
    {
        lock (_lock) return _incidents.LastOrDefault(i => i.Report.Service == service).Report;
    }

    public ChannelReader<(DateTimeOffset Time, IncidentReport Report)> Subscribe(CancellationToken until)
    {
        var channel = Channel.CreateUnbounded<(DateTimeOffset, IncidentReport)>();
        lock (_lock) _subscribers.Add(channel);
        until.Register(() =>
        {
            lock (_lock) _subscribers.Remove(channel);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
