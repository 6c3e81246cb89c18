using System.Net.Sockets;
using System.Text;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, case 5, mid-operation: an engine that answers the first calls of a command and then stops answering
/// (hung, paused, a dead proxy in between) is reported within the timeout on whichever call it stalls, exit 1, never
/// waited for silently.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class EngineTimeoutTests
{
    /// <summary>
    /// A socket in front of the real engine that forwards every request until one whose request line contains
    /// <c>stallOn</c>: that one (and all after it on its connection) is swallowed, the connection left open.
    /// </summary>
    private sealed class StallingProxy : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Socket> _sockets = [];
        private readonly Task _accepting;
        private readonly string _stallOn;
        private int _forwarded;
        private int _stalled;

        public string SocketPath { get; }
        public int Forwarded => Volatile.Read(ref _forwarded);
        public bool Stalled => Volatile.Read(ref _stalled) > 0;

        public StallingProxy(string directory, string stallOn)
        {
            _stallOn = stallOn;
            SocketPath = Path.Combine(directory, "stalling.sock");
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            _listener.Listen(16);
            _accepting = Task.Run(AcceptAsync);
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptAsync(_stop.Token);
                    var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await engine.ConnectAsync(new UnixDomainSocketEndPoint("/var/run/docker.sock"), _stop.Token);
                    lock (_sockets) _sockets.AddRange([client, engine]);
                    _ = PumpAsync(client, engine, inspect: true);
                    _ = PumpAsync(engine, client, inspect: false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }

        private async Task PumpAsync(Socket from, Socket to, bool inspect)
        {
            var buffer = new byte[64 * 1024];
            var swallowing = false;
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0) return;
                    if (inspect && !swallowing)
                    {
                        var text = Encoding.ASCII.GetString(buffer, 0, read);
                        var requestLine = text.Split("\r\n", 2)[0];
                        if (requestLine.Contains(_stallOn, StringComparison.Ordinal))
                        {
                            swallowing = true;
                            Interlocked.Increment(ref _stalled);
                        }
                        else if (requestLine.Contains(" HTTP/1.", StringComparison.Ordinal)) Interlocked.Increment(ref _forwarded);
                    }
                    if (!swallowing) await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            await _accepting;
            lock (_sockets) foreach (var s in _sockets) s.Dispose();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task An_engine_that_stops_answering_in_the_middle_of_up_is_reported_within_the_timeout()
    {
        await using var project = await TestProject.CreateAsync("stall", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
            """);
        await using var proxy = new StallingProxy(project.Directory, "/containers/create");
        // The proxy is an engine of its own to the project lock: its lock directory goes with the test.
        var lockDirectory = Composer.Cli.EngineLockDirectory.For(new Uri($"unix://{proxy.SocketPath}")).Path;
        CliResult result;
        try
        {
            result = await ComposerCli.RunAsync(project.Directory, ["-p", project.Name, "up", "-d"],
                env: new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{proxy.SocketPath}", ["COMPOSER_ENGINE_TIMEOUT"] = "3" },
                timeout: TimeSpan.FromSeconds(90));
        }
        finally
        {
            if (Directory.Exists(lockDirectory)) Directory.Delete(lockDirectory, recursive: true);
        }

        proxy.Forwarded.Should().BeGreaterThan(0, "the engine answered the first calls");
        proxy.Stalled.Should().BeTrue("the container's create was never answered");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain($"the Docker engine at unix://{proxy.SocketPath} did not answer within 3 s", result.ToString());
        result.Stderr.Should().NotContain("   at ", "a failure is a message, not a stack trace");
    }
}
