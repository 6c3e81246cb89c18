using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Composer.Ambassador;

/// <summary>
/// Accepts connections and joins each to a fresh connection to the target. The target is looked up again for every
/// connection (the target file, then DNS: a recreated backend has a new address, a moved one a new host; a lookup
/// that hangs meanwhile tries the name's last addresses), and a
/// connect that fails because the target is not there yet (refused, name not found, unreachable, held) is retried
/// with backoff (50 ms doubling to 1 s, jittered) for at most <see cref="AmbassadorOptions.RetryFor"/>; a re-point
/// ends the wait at once. A backend restart or move shows the client a delay, not an error.
/// </summary>
public sealed class Proxy
{
    internal readonly AmbassadorOptions options;
    private readonly TextWriter log;
    private readonly TargetSource _targets;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    public Proxy(AmbassadorOptions options, TextWriter log)
    {
        this.options = options;
        this.log = log;
        _targets = new TargetSource(new Target(options.TargetHost, options.TargetPort), options.TargetFile);
        _targets.Changed += t => Log($"target now {t}");
    }

    /// <summary>The target new connections go to now.</summary>
    public Target CurrentTarget => _targets.Current();

    private int _connections;

    /// <summary>The address it listens on, once <see cref="RunAsync"/> has bound it.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public static bool IsTransient(SocketException e) => e.SocketErrorCode is
        SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut or SocketError.HostDown;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Parse(options.ListenAddress), options.ListenPort);
        listener.Start(512);
        LocalEndPoint = (IPEndPoint)listener.LocalEndpoint;
        Log($"listening on {LocalEndPoint}, forwarding to {_targets.Current()} (waits up to {options.RetryFor.TotalSeconds:0.###} s for it)");
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            _ = HandleAsync(client, Interlocked.Increment(ref _connections), cancellationToken);
        }
    }

    private async Task HandleAsync(Socket client, int id, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                await new Connection(this, client, id).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                Log($"#{id}: closed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Connects to the current target, retrying transient failures (and a held target) with backoff until
    /// <see cref="AmbassadorOptions.RetryFor"/> has passed; then throws <see cref="TimeoutException"/>.
    /// </summary>
    private async ValueTask<Socket> ConnectWithRetryAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var target = _targets.Current();
            string why;
            try
            {
                if (!target.IsHold) return await ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                why = "held until a target is set";
            }
            catch (SocketException e) when (IsTransient(e)) { why = e.Message; }
            var left = options.RetryFor - clock.Elapsed;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{target}: gave up after {options.RetryFor.TotalSeconds:0.###} s: {why}");
            var wait = TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, delay.TotalMilliseconds * (0.5 + Random.Shared.NextDouble() / 2)));
            Log($"retry {attempt + 1} in {wait.TotalMilliseconds:0} ms: {target}: {why}");
            await _targets.WaitAsync(wait, target, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
        }
    }

    /// <summary>
    /// One client connection. Until the target's first answer byte, what the client sent is kept (up to
    /// <see cref="ReplayLimit"/> bytes): when the target goes away before answering (killed mid-request, closed by a
    /// restart), the ambassador connects again, with the same retry, and replays it, so the client sees a delay. Once
    /// the target has answered, bytes are only copied: a target lost then ends the connection.
    /// </summary>
    private sealed class Connection(Proxy proxy, Socket client, int id)
    {
        public const int ReplayLimit = 64 * 1024;
        private const int MaxReplays = 5;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly MemoryStream _sent = new();
        private Socket? _upstream;
        private bool _answered;
        private bool _replayable = true;
        private bool _clientDone;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _upstream = await proxy.ConnectWithRetryAsync(cts.Token).ConfigureAwait(false);
            try
            {
                var fromClient = FromClientAsync(cts.Token);
                var toClient = ToClientAsync(cts.Token);
                var first = await Task.WhenAny(fromClient, toClient).ConfigureAwait(false);
                if (first.IsFaulted || first == toClient) await cts.CancelAsync().ConfigureAwait(false);
                try { await Task.WhenAll(fromClient, toClient).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            }
            finally
            {
                _upstream?.Dispose();
            }
        }

        private async Task FromClientAsync(CancellationToken ct)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (read == 0)
                    {
                        _clientDone = true;
                        TryShutdownSend(_upstream!);
                        return;
                    }
                    if (!_answered && _replayable)
                    {
                        if (_sent.Length + read <= ReplayLimit) _sent.Write(buffer, 0, read);
                        else _replayable = false;
                    }
                    try { await _upstream!.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct).ConfigureAwait(false); }
                    catch (SocketException) when (!_answered && _replayable) { /* the answer side reconnects and replays */ }
                }
                finally { _gate.Release(); }
            }
        }

        private async Task ToClientAsync(CancellationToken ct)
        {
            var buffer = new byte[16 * 1024];
            var replays = 0;
            while (true)
            {
                int read;
                try { read = await _upstream!.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false); }
                catch (SocketException) when (!_answered) { read = -1; }
                if (read > 0)
                {
                    if (!_answered)
                    {
                        await _gate.WaitAsync(ct).ConfigureAwait(false);
                        _answered = true;
                        _sent.SetLength(0);
                        _gate.Release();
                    }
                    await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct).ConfigureAwait(false);
                    continue;
                }
                if (_answered || !_replayable || replays >= MaxReplays || (read == 0 && _clientDone && _sent.Length == 0))
                {
                    TryShutdownSend(client);
                    return;
                }
                // The target went away before answering: connect again and replay what the client sent.
                replays++;
                proxy.Log($"#{id}: the target went away before answering; connecting again to replay {_sent.Length} bytes");
                var fresh = await proxy.ConnectWithRetryAsync(ct).ConfigureAwait(false);
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    _upstream!.Dispose();
                    _upstream = fresh;
                    if (_sent.Length > 0) await fresh.SendAsync(_sent.GetBuffer().AsMemory(0, (int)_sent.Length), SocketFlags.None, ct).ConfigureAwait(false);
                    if (_clientDone) TryShutdownSend(fresh);
                }
                finally { _gate.Release(); }
            }
        }

        private static void TryShutdownSend(Socket socket)
        {
            try { socket.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Host name → the addresses it resolved to last (for <see cref="SlowLookup"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IPAddress[]> LastResolved = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A lookup slower than this tries the name's last addresses meanwhile: an engine's DNS can take seconds to say
    /// that a stopped container's name is unknown (5 s where it has no upstream resolver), and lookups of one name
    /// queue behind each other, so connections made after the backend is back would wait for the lookups made while
    /// it was down. A restarted container usually has its old address again.
    /// </summary>
    private static readonly TimeSpan SlowLookup = TimeSpan.FromMilliseconds(200);

    /// <summary>Resolves the name now (the result is never trusted over a fresh answer) and connects to the first address that accepts.</summary>
    private static async Task<Socket> ConnectAsync(Target target, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(target.Host, out var literal)) return await ConnectToAsync([literal], target.Port, cancellationToken).ConfigureAwait(false);
        var lookup = Dns.GetHostAddressesAsync(target.Host, AddressFamily.InterNetwork, cancellationToken);
        _ = lookup.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result.Length > 0) LastResolved[target.Host] = t.Result;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (LastResolved.TryGetValue(target.Host, out var known)
            && await Task.WhenAny(lookup, Task.Delay(SlowLookup, cancellationToken)).ConfigureAwait(false) != lookup)
        {
            try
            {
                return await ConnectToAsync(known, target.Port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Not there (any more): the lookup decides.
            }
        }
        var addresses = await lookup.ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        return await ConnectToAsync(addresses, target.Port, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Socket> ConnectToAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(new IPEndPoint(address, port), attempt.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e) { socket.Dispose(); last = e; }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = new SocketException((int)SocketError.TimedOut);
            }
        }
        throw last!;
    }

    internal void Log(string message)
    {
        lock (log) { log.WriteLine($"ambassador: {message}"); log.Flush(); }
    }
}
