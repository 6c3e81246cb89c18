using Composer.Core.Engine;
using Docker.DotNet.Models;
using Docker.DotNet;

namespace Composer.Docker;

/// <summary>exec and run with their streams attached: stdin forwarded, output demultiplexed (raw with a TTY), TTY resized.</summary>
public sealed partial class DockerEngine
{
    /// <summary>Runs a command in a running container; returns its exit code (0 when detached).</summary>
    public async Task<long> ExecAsync(string container, ExecRequest request, ProcessStreams io, CancellationToken cancellationToken)
    {
        var what = $"exec in container {container}";
        var attach = !request.Detach;
        var exec = await Call(() => _client.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters
        {
            Cmd = [.. request.Command],
            Env = request.Environment.Count == 0 ? null : [.. request.Environment],
            WorkingDir = request.WorkingDir,
            User = request.User,
            Privileged = request.Privileged,
            TTY = request.Tty,
            AttachStdin = attach && io.Stdin is not null,
            AttachStdout = attach,
            AttachStderr = attach,
        }, cancellationToken), what).ConfigureAwait(false);
        if (request.Detach)
        {
            try
            {
                using var _ = await Call(() => _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { Detach = true, TTY = request.Tty }, cancellationToken), what).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // A detached start is answered with a plain 200 (no stream to take over), which Docker.DotNet checks
                // for errors and only then refuses to hijack: the engine has started the command.
            }
            return 0;
        }
        using (var stream = await Call(() => _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { TTY = request.Tty }, cancellationToken), what).ConfigureAwait(false))
        {
            await PumpAsync(stream, request.Tty ? io.Terminal : null, io, (w, h) => _client.Exec.ResizeExecTtyAsync(exec.ID, new ContainerResizeParameters { Width = w, Height = h }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        // The output ends as the process does; the engine records the exit code a moment later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var inspect = await Call(() => _client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken), what).ConfigureAwait(false);
            if (!inspect.Running || DateTime.UtcNow > deadline) return inspect.ExitCode ?? -1;
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    /// <summary>
    /// Attaches to a created container, starts it and connects its streams until it exits; returns its exit code.
    /// Attaching before the start is what keeps the first output and input.
    /// </summary>
    public async Task<long> RunAttachedAsync(string container, bool tty, ProcessStreams io, CancellationToken cancellationToken)
    {
        using var stream = await Call(() => _client.Containers.AttachContainerAsync(container, new ContainerAttachParameters
        {
            Stream = true, Stdin = io.Stdin is not null, Stdout = true, Stderr = true,
        }, cancellationToken), $"attach to container {container}").ConfigureAwait(false);
        await StartContainerAsync(container, cancellationToken).ConfigureAwait(false);
        await PumpAsync(stream, tty ? io.Terminal : null, io, (w, h) => _client.Containers.ResizeContainerTtyAsync(container, new ContainerResizeParameters { Width = w, Height = h }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await WaitExitAsync(container, cancellationToken).ConfigureAwait(false);
    }

    private static async Task PumpAsync(MultiplexedStream stream, ITerminalSize? terminal, ProcessStreams io, Func<long, long, Task> resize, CancellationToken cancellationToken)
    {
        Action? onChange = null;
        if (terminal is not null)
        {
            // Sized before any input is forwarded, so a process that reads first sees the right size when it looks.
            await ResizeAsync(terminal, resize, retries: 5).ConfigureAwait(false);
            // One resize at a time, each reading the size when it is sent: `stty rows R cols C` signals twice, and two
            // requests in flight at once could reach the engine in the wrong order and leave the first size.
            var oneAtATime = new SemaphoreSlim(1, 1);
            onChange = () => _ = Task.Run(async () =>
            {
                await oneAtATime.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try { await ResizeAsync(terminal, resize, retries: 0).ConfigureAwait(false); }
                finally { oneAtATime.Release(); }
            });
            terminal.Changed += onChange;
        }
        try
        {
            if (io.Stdin is { } stdin)
                // Not awaited: a read of composer's stdin can wait for a keystroke forever; the process ending ends the session.
                _ = Task.Run(() => ForwardInputAsync(stream, stdin, cancellationToken), CancellationToken.None);
            await stream.CopyOutputToAsync(Stream.Null, io.Stdout, io.Stderr, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (onChange is not null) terminal!.Changed -= onChange;
        }
    }

    private static async Task ForwardInputAsync(MultiplexedStream stream, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await stream.CopyFromAsync(stdin, cancellationToken).ConfigureAwait(false);
            // End of input: the process sees end-of-file on its stdin (for a one-off, its container was created StdinOnce).
            stream.CloseWrite();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            // The process ended first and its stream is gone; its input no longer matters.
        }
    }

    /// <summary>
    /// The process may not have its TTY yet right after the start call returns (the docker CLI retries too); a size
    /// that cannot be set leaves the engine's default, which is no reason to fail the command.
    /// </summary>
    private static async Task ResizeAsync(ITerminalSize terminal, Func<long, long, Task> resize, int retries)
    {
        if (terminal.Size is not { } size) return;
        var delay = TimeSpan.FromMilliseconds(10);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await resize(size.Width, size.Height).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is DockerApiException or IOException or HttpRequestException or OperationCanceledException)
            {
                if (attempt >= retries || e is OperationCanceledException) return;
            }
            await Task.Delay(delay).ConfigureAwait(false);
            delay *= 2;
        }
    }
}
