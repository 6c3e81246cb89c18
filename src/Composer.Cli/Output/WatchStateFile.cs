using System.Text.Json;
using Composer.Core.Supervision;

namespace Composer.Cli.Output;

/// <summary>
/// What `watch` has seen, per service (restarts, crash-looping, last incident), kept in a small JSON file so that
/// `composer ps` can show it. Local to this machine, like the watch process itself, in the user's private
/// <see cref="StateDirectory"/>, replaced atomically (temp file created with O_EXCL, then renamed).
/// </summary>
internal static class WatchStateFile
{
    public sealed record ServiceState(int Restarts, bool CrashLooping, string LastIncident, DateTimeOffset At);

    public static string PathFor(string project)
    {
        return Path.Combine(StateDirectory.Path, project + ".watch.json");
    }

    private static readonly Lock Gate = new();

    public static void Record(string project, IncidentReport r)
    {
        lock (Gate)
        {
            var all = Read(project);
            all[r.Service] = new ServiceState(r.Restarts, r.CrashLooping, $"{r.Kind.ToString().ToLowerInvariant()} → {r.Outcome}", DateTimeOffset.UtcNow);
            StateDirectory.Ensure();
            StateDirectory.WriteAtomically(PathFor(project), JsonSerializer.Serialize(all, WatchStateJson.Default.DictionaryStringServiceState));
        }
    }

    public static Dictionary<string, ServiceState> Read(string project)
    {
        try
        {
            // Read only from a directory that is safely ours; a planted one is ignored here and refused by writers.
            StateDirectory.Ensure();
            return StateDirectory.ReadState(PathFor(project)) is { } text ? JsonSerializer.Deserialize(text, WatchStateJson.Default.DictionaryStringServiceState) ?? [] : [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

/// <summary>Compiled serialization of the watch state, so the command needs no reflection (it is published ahead of time).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, WatchStateFile.ServiceState>))]
internal sealed partial class WatchStateJson : System.Text.Json.Serialization.JsonSerializerContext;
