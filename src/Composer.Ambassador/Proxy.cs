using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Composer.Ambassador;

/// <summary>
/// Accepts connections and joins each to a fresh connection to the target. The target's name is resolved again for
/// every connection (a recreated backend has a new address), and a connect that fails because the target is not
/// there yet (refused, name not found, unreachable) is retried with backoff for at most
/// <see cref="AmbassadorOptions.RetryFor"/>: a backend restart shows the client a delay, not an error.
/// </summary>
public sealed class Proxy
{
    private readonly AmbassadorOptions options;
    private readonly TextWriter log;
    private readonly ResiliencePipeline _connect;

    public Proxy(AmbassadorOptions options, TextWriter log)
    {
        this.options = options;
        this.log = log;
        _connect = BuildPipeline();
    }

    private ResiliencePipeline BuildPipeline() => new ResiliencePipelineBuilder()
        .AddTimeout(new TimeoutStrategyOptions { Timeout = options.RetryFor })
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SocketException>(IsTransient),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromSeconds(1),
            MaxRetryAttempts = int.MaxValue,
            OnRetry = args =>
            {
                Log($"retry {args.AttemptNumber + 1} in {args.RetryDelay.TotalMilliseconds:0} ms: {options.TargetHost}:{options.TargetPort}: {args.Outcome.Exception?.Message}");
                return default;
            },
        })
        .Build();

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
        Log($"listening on {LocalEndPoint}, forwarding to {options.TargetHost}:{options.TargetPort} (waits up to {options.RetryFor.TotalSeconds:0.###} s for it)");
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
            Socket upstream;
            try
            {
                upstream = await _connect.ExecuteAsync(static async (state, ct) => await state.Self.ConnectAsync(ct).ConfigureAwait(false), (Self: this, Id: id), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or TimeoutRejectedException or OperationCanceledException)
            {
                Log($"#{id}: giving up on {options.TargetHost}:{options.TargetPort}: {e.Message}");
                return;
            }
            using (upstream)
            {
                var up = PumpAsync(client, upstream, cancellationToken);
                var down = PumpAsync(upstream, client, cancellationToken);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Resolves the name now (never cached) and connects to the first address that accepts.</summary>
    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(options.TargetHost, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(options.TargetHost, AddressFamily.InterNetwork, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(new IPEndPoint(address, options.TargetPort), attempt.Token).ConfigureAwait(false);
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

    /// <summary>Copies one direction until its end, then half-closes the other side so the peer sees the end too.</summary>
    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away: closing both (by the callers' using) ends the other direction.
            try { to.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            try { from.Shutdown(SocketShutdown.Both); } catch (Exception) { }
        }
    }

    private void Log(string message)
    {
        lock (log) { log.WriteLine($"ambassador: {message}"); log.Flush(); }
    }
}
