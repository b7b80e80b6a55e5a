using Microsoft.Win32.SafeHandles;

namespace LineConnector.Core.Media;

/// <summary>A local media file, read at offsets without loading it.</summary>
public sealed class FileMediaSource : IMediaSource
{
    private readonly SafeFileHandle _file;
    private readonly string _path;
    private long _bytesRead;
    private int _requests;

    private FileMediaSource(SafeFileHandle file, string path)
    {
        _file = file;
        _path = path;
        Length = RandomAccess.GetLength(file);
    }

    public long Length { get; }

    public long BytesRead => _bytesRead;

    public int Requests => _requests;

    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static FileMediaSource Open(string path) =>
        new(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess), path);

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length && offset + total < Length)
            {
                _requests++;
                var read = await RandomAccess.ReadAsync(_file, buffer[total..], offset + total, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (IOException e)
        {
            throw new MediaFetchException($"cannot read {_path}: {e.Message}", MediaFetchFailure.Failed, e);
        }

        _bytesRead += total;
        return total;
    }

    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
