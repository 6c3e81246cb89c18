using System.Text.Json;
using Composer.Core.Supervision;

namespace Composer.Cli.Output;

/// <summary>
/// What `watch` has seen, per service (restarts, crash-looping, last incident), kept in a small JSON file so that
/// `composer ps` can show it. Local to this machine, like the watch process itself.
/// </summary>
internal static class WatchStateFile
{
    public sealed record ServiceState(int Restarts, bool CrashLooping, string LastIncident, DateTimeOffset At);

    public static string PathFor(string project)
    {
        return Path.Combine(ProjectLock.RuntimeDirectory(), "composer", project, "watch.json");
    }

    private static readonly Lock Gate = new();

    public static void Record(string project, IncidentReport r)
    {
        lock (Gate)
        {
            var all = Read(project);
            all[r.Service] = new ServiceState(r.Restarts, r.CrashLooping, $"{r.Kind.ToString().ToLowerInvariant()} → {r.Outcome}", DateTimeOffset.UtcNow);
            var path = PathFor(project);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(all, WatchStateJson.Default.DictionaryStringServiceState));
            File.Move(temp, path, overwrite: true);
        }
    }

    public static Dictionary<string, ServiceState> Read(string project)
    {
        try
        {
            var path = PathFor(project);
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), WatchStateJson.Default.DictionaryStringServiceState) ?? [] : [];
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
