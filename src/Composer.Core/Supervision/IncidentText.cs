using System.Globalization;

namespace Composer.Core.Supervision;

/// <summary>How an incident reads, for `watch`'s lines and the dashboard's timeline alike.</summary>
public static class IncidentText
{
    /// <summary><c>db-1 exited 137 → restarted in 0.31 s (after a 0.1 s back-off) → relinked app-1</c>.</summary>
    public static string Line(IncidentReport r, string project)
    {
        var what = r.Kind switch
        {
            IncidentKind.Crashed => $"exited {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}",
            IncidentKind.Unhealthy => "unhealthy",
            _ => "removed",
        };
        var line = r.Error is not null
            ? $"{Short(r.Container, project)} {what} → {r.Outcome}: {r.Error}"
            : $"{Short(r.Container, project)} {what} → {r.Outcome} in {r.Recovery.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s";
        if (r.Backoff > TimeSpan.Zero) line += $" (after a {r.Backoff.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s back-off)";
        if (!r.Relinked.IsEmpty) line += $" → relinked {string.Join(", ", r.Relinked.Select(c => Short(c, project)))}";
        if (r.CrashLooping) line += $" [crash-looping: {r.Restarts} restarts]";
        foreach (var note in r.Notes) line += $" ({note})";
        return line;
    }

    /// <summary>The incident as `watch --format json` and the dashboard's API write it.</summary>
    public static Dictionary<string, object?> Fields(IncidentReport r, DateTimeOffset time) => new()
    {
        ["time"] = time, ["container"] = r.Container, ["service"] = r.Service,
        ["incident"] = Kind(r.Kind), ["exit_code"] = r.ExitCode, ["outcome"] = r.Outcome,
        ["backoff_ms"] = (long)r.Backoff.TotalMilliseconds, ["recovery_ms"] = (long)r.Recovery.TotalMilliseconds,
        ["total_ms"] = (long)r.Total.TotalMilliseconds, ["restarts"] = r.Restarts, ["crash_looping"] = r.CrashLooping,
        ["relinked"] = r.Relinked, ["verified_by_name"] = r.VerifiedByName, ["notes"] = r.Notes, ["error"] = r.Error,
    };

    /// <summary>The incident's kind as JSON names it: crashed, unhealthy, removed.</summary>
    public static string Kind(IncidentKind kind) => kind switch
    {
        IncidentKind.Crashed => "crashed",
        IncidentKind.Unhealthy => "unhealthy",
        _ => "removed",
    };

    /// <summary>The container's name without the project prefix (<c>db-1</c>).</summary>
    public static string Short(string container, string project) =>
        container.StartsWith(project + "-", StringComparison.Ordinal) ? container[(project.Length + 1)..] : container;
}
