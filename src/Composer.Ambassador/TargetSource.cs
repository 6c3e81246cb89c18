namespace Composer.Ambassador;

/// <summary>Where a new connection goes now: a host and port, or nowhere yet (held).</summary>
public sealed record Target(string Host, int Port)
{
    /// <summary>Connections wait (bounded by the retry window) until the target file names a target again.</summary>
    public static readonly Target Hold = new("", 0);

    public bool IsHold => Port == 0;

    public override string ToString() => IsHold ? "hold" : $"{Host}:{Port}";
}

/// <summary>
/// The target of new connections: <c>AMBASSADOR_TARGET</c>, unless the target file exists and holds one complete line,
/// <c>host:port</c> or <c>hold</c>. Composer re-points a running ambassador by writing that file through the engine's
/// archive API (no exec, no restart, works on every engine), so the file is read again at every connect attempt. A
/// line without its newline is a write in progress and leaves the last complete target in force.
/// </summary>
public sealed class TargetSource
{
    private readonly Target _fallback;
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Target _last;
    private string? _lastText;

    public TargetSource(Target fallback, string? file, TimeProvider? time = null)
    {
        _fallback = _last = fallback;
        _file = file;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How often a waiting connection looks at the file, so a re-point ends its wait at once.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Raised with the new target when the file names a different one.</summary>
    public event Action<Target>? Changed;

    public Target Current()
    {
        string? text = null;
        if (_file is not null)
        {
            try { text = File.ReadAllText(_file); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { text = null; }
            catch (IOException) { return Last(); }
            catch (UnauthorizedAccessException) { return Last(); }
        }
        Target? changed = null;
        Target current;
        lock (_gate)
        {
            if (text == _lastText) return _last;
            var parsed = text is null ? _fallback : Parse(text);
            if (parsed is null) return _last;   // incomplete or invalid: keep what was in force
            _lastText = text;
            if (parsed != _last) changed = parsed;
            _last = current = parsed;
        }
        if (changed is not null) Changed?.Invoke(changed);
        return current;
    }

    private Target Last()
    {
        lock (_gate) return _last;
    }

    /// <summary>Waits up to <paramref name="delay"/>, returning early when the target changes from <paramref name="from"/>.</summary>
    public async Task WaitAsync(TimeSpan delay, Target from, CancellationToken cancellationToken)
    {
        var until = _time.GetUtcNow() + delay;
        while (true)
        {
            var left = until - _time.GetUtcNow();
            if (left <= TimeSpan.Zero) return;
            await Task.Delay(_file is null || left < PollInterval ? left : PollInterval, _time, cancellationToken).ConfigureAwait(false);
            if (_file is not null && Current() != from) return;
        }
    }

    /// <summary><c>host:port\n</c> or <c>hold\n</c>; null when the line is not complete or not valid.</summary>
    public static Target? Parse(string text)
    {
        if (!text.EndsWith('\n')) return null;
        var line = text.Trim();
        if (line == "hold") return Target.Hold;
        var colon = line.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(line[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return null;
        var host = line[..colon].Trim('[', ']');
        return host.Length == 0 ? null : new Target(host, port);
    }

    /// <summary>The file's content that points an ambassador at <paramref name="target"/> (what Composer writes).</summary>
    public static string Format(Target target) => target + "\n";
}
