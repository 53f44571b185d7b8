/* Not a bitmap: C source with width and height defines and a byte table not named _bits. */
#define table_width 8
#define table_height 2
static unsigned char table_data[] = { 0x01, 0x02 };

int main(void) { return table_data[0]; }
