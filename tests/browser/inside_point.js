([selector, code]) => {
    // A point well inside the region's polygon: irregular counties often have their bounding
    // box centre in a neighbour. Sample a grid, keep points in the fill, take the middle one.
    const graph = document.querySelector('#ov-map .js-plotly-plot');
    const index = graph.data[0].locations.indexOf(code);
    if (index < 0) return null;
    const path = document.querySelectorAll(selector)[index];
    const box = path.getBBox(), inside = [];
    for (let i = 1; i < 30; i++) for (let j = 1; j < 30; j++) {
        const p = new DOMPoint(box.x + box.width * i / 30, box.y + box.height * j / 30);
        if (path.isPointInFill(p)) inside.push(p);
    }
    if (!inside.length) return null;
    inside.sort((a, b) => (a.x - b.x) || (a.y - b.y));
    const p = inside[Math.floor(inside.length / 2)].matrixTransform(path.getScreenCTM());
    return [p.x, p.y];
}
