"""Just enough of OpenCV for the official aed-mae data code (data/test_dataset.py, extract_gradients.py), which Debian's
python3-torch does not bring: cv2.imread's 8-bit BGR images (read with Pillow, channels reversed, as OpenCV decodes a
PNG), cvtColor between BGR and RGB, and resize to the size the image already has (test_dataset.py resizes every frame
to input_size, a copy when the frame has that size, as the parity fixtures' frames do); any other resize is refused
rather than guessing OpenCV's interpolation."""
import numpy as np
from PIL import Image

COLOR_BGR2RGB = "BGR2RGB"
COLOR_RGB2BGR = "RGB2BGR"


def imread(path):
    try:
        image = Image.open(path)
    except FileNotFoundError:
        return None  # as OpenCV: a missing file reads as None
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def cvtColor(image, code):
    if code not in (COLOR_BGR2RGB, COLOR_RGB2BGR):
        raise NotImplementedError(f"cv2 shim: cvtColor {code}")
    return np.ascontiguousarray(image[:, :, ::-1])


def resize(image, size):
    width, height = size  # OpenCV's dsize is (width, height)
    if image.shape[:2] != (height, width):
        raise NotImplementedError(f"cv2 shim: resize of {image.shape[1]}x{image.shape[0]} to {width}x{height} (write the frames at the model's input size)")
    return image.copy()
