using System.Buffers;

namespace LineConnector.Functions.Webhook;

/// <summary>A request body read into pooled memory, up to a limit.</summary>
internal sealed class CappedBody(int expectedLength) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expectedLength + 1, 256));
    private int _length;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Reads the whole stream; false as soon as it exceeds <paramref name="maxBytes"/>.</summary>
    public async Task<bool> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_length > maxBytes)
            {
                return false;
            }

            if (_length == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, maxBytes + 1));
                _buffer.AsSpan(0, _length).CopyTo(larger);
                var old = _buffer;
                _buffer = larger;
                ArrayPool<byte>.Shared.Return(old);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            _length += read;
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
