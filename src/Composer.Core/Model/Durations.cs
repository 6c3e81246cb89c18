using System.Globalization;
using System.Text;

namespace Composer.Core.Model;

/// <summary>Durations as the model is written back out (the loader parses them; see Loading's ValueParsers).</summary>
public static class Durations
{
    /// <summary>Formats a duration the way Compose prints it (<c>1m30s</c>).</summary>
    public static string Format(TimeSpan t)
    {
        if (t == TimeSpan.Zero) return "0s";
        var sb = new StringBuilder();
        if (t.TotalHours >= 1) sb.Append((long)t.TotalHours).Append('h');
        if (t.Minutes > 0) sb.Append(t.Minutes).Append('m');
        var rest = t - TimeSpan.FromHours((long)t.TotalHours) - TimeSpan.FromMinutes(t.Minutes);
        if (rest.Ticks % TimeSpan.TicksPerSecond == 0) { if (rest > TimeSpan.Zero) sb.Append((long)rest.TotalSeconds).Append('s'); }
        else if (rest.Ticks % TimeSpan.TicksPerMillisecond == 0 && rest < TimeSpan.FromSeconds(1)) sb.Append((long)rest.TotalMilliseconds).Append("ms");
        else sb.Append(rest.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
        return sb.ToString();
    }
}
